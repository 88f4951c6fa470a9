//! Errors exactly as DigitalOcean's API v2 gives them:
//! `{"id": "...", "message": "...", "request_id": "..."}`.

use http::StatusCode;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub id: String,
    pub message: String,
    /// A few endpoints document another shape for some errors:
    /// `{"error": "...", "messages": [...], "root_causes": [...]}`.
    pub with_root_causes: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, id: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            id: id.into(),
            message: message.into(),
            with_root_causes: false,
        }
    }

    pub fn body(&self, request_id: &str) -> Value {
        if self.with_root_causes {
            return json!({ "error": self.id, "messages": [self.message], "root_causes": [] });
        }
        json!({ "id": self.id, "message": self.message, "request_id": request_id })
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unable to authenticate you",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You are not authorized to perform this operation",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you were accessing could not be found.",
        )
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_entity",
            message,
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "API Rate limit exceeded.",
        )
    }
}
