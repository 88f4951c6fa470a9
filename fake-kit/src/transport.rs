//! Answers that break the protocol on purpose, for [`crate::FaultKind`].

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

/// Headers promise a JSON body that never fully arrives: the connection drops.
pub fn dropped_connection() -> Response {
    let stream = futures::stream::iter([
        Ok(Bytes::from_static(b"{\"items\": [")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected drop",
        )),
    ]);
    let mut response = Response::new(Body::from_stream(stream));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// A 200 whose body is a proxy's HTML error page.
pub fn not_json() -> Response {
    let mut response = Response::new(Body::from("<html><body>502 Bad Gateway</body></html>"));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("text/html"));
    response
}

/// Exactly this status and JSON body.
pub fn json(status: u16, body: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// Accepts the request and never answers.
pub async fn hang() {
    std::future::pending::<()>().await
}
