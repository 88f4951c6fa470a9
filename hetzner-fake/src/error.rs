//! Errors exactly as the Hetzner Cloud API gives them.

use http::StatusCode;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            details: Value::Null,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message, "details": self.details } })
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "unable to authenticate",
        )
    }

    pub fn token_readonly() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_readonly",
            "only allowed to perform GET requests",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn json_error(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "json_error", message)
    }

    /// `invalid_input` naming each offending field with its messages.
    pub fn invalid_input(fields: &[(&str, &str)]) -> Self {
        let first = fields.first().map(|(f, _)| *f).unwrap_or("unknown");
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("invalid input in field '{first}'"),
        )
        .with_details(json!({
            "fields": fields.iter().map(|(name, msg)| json!({ "name": name, "messages": [msg] })).collect::<Vec<_>>()
        }))
    }

    pub fn uniqueness(field: &str, message: &str) -> Self {
        Self::new(StatusCode::CONFLICT, "uniqueness_error", message)
            .with_details(json!({ "fields": [{ "name": field }] }))
    }

    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "limit of 3600 requests per hour reached",
        )
    }

    /// An error by code alone, with the status the API documents for it.
    pub fn from_code(code: &str, message: &str) -> Self {
        let status = match code {
            "json_error" => StatusCode::BAD_REQUEST,
            "unauthorized" | "token_readonly" => StatusCode::UNAUTHORIZED,
            "forbidden" | "maintenance" | "resource_limit_exceeded" => StatusCode::FORBIDDEN,
            "not_found" => StatusCode::NOT_FOUND,
            "uniqueness_error" | "conflict" => StatusCode::CONFLICT,
            "resource_unavailable" | "server_not_stopped" => StatusCode::PRECONDITION_FAILED,
            "invalid_input" | "invalid_server_type" | "service_error" | "unsupported_error" => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            "locked" | "protected" => StatusCode::LOCKED,
            "rate_limit_exceeded" => StatusCode::TOO_MANY_REQUESTS,
            "unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            "timeout" => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self::new(status, code, message)
    }
}
