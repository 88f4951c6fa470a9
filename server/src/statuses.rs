//! HTTP answers that mean what they say. Server-function errors leave Leptos
//! as 500s: each gets the status that says what it is
//! (`AppError::status_code`), with `Retry-After` where waiting helps, and the
//! JSON body the browser reads unchanged. A page that sends the browser
//! elsewhere (sign in first) answers 303 See Other, not 302.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::RETRY_AFTER;
use http::{HeaderValue, Method, StatusCode};

/// Error bodies are a few hundred bytes; a larger one is left as it is.
const MAX_ERROR_BYTES: usize = 16 * 1024;

pub async fn status_of_errors(request: Request, next: Next) -> Response {
    let is_server_function = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = err.retry_after_secs() {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                parts.headers.insert(RETRY_AFTER, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A redirect answering a page load is a 303: "see this other page".
pub async fn see_other_for_pages(request: Request, next: Next) -> Response {
    let loads_a_page = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.run(request).await;
    if loads_a_page && response.status() == StatusCode::FOUND {
        *response.status_mut() = StatusCode::SEE_OTHER;
    }
    response
}
