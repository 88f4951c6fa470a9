//! Latency and injected faults, in front of the API and the OAuth host alike.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fake_kit::faults::{self, FaultKind};
use fake_kit::transport;
use serde_json::json;

use crate::error::ApiError;
use crate::SharedState;

pub async fn misbehave(
    State(shared): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_admin") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let (latency, fault) = {
        let mut state = shared.lock();
        (
            state.latency,
            faults::take(&mut state.faults, &method, &path),
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let on_purpose = |response: Response| {
        shared.record_on_purpose(&method, &path);
        response
    };
    match fault {
        FaultKind::Hang => {
            on_purpose(StatusCode::REQUEST_TIMEOUT.into_response());
            transport::hang().await;
            StatusCode::REQUEST_TIMEOUT.into_response()
        }
        FaultKind::Drop => on_purpose(transport::dropped_connection()),
        // Carried out and recorded as answered: only the caller hears late or never.
        FaultKind::AnswerLost => {
            let _carried_out = next.run(request).await;
            transport::dropped_connection()
        }
        FaultKind::AnswerLate { ms } => {
            let answer = next.run(request).await;
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            answer
        }
        FaultKind::NotJson => on_purpose(transport::not_json()),
        FaultKind::Json { status, body } => on_purpose(transport::json(status, &body)),
        FaultKind::Error {
            status,
            code,
            message,
        } if path.starts_with("/v1/oauth") => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            on_purpose(
                (
                    status,
                    Json(json!({ "error": code, "error_description": message })),
                )
                    .into_response(),
            )
        }
        FaultKind::Error {
            status,
            code,
            message,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            crate::api::injected_error(
                &shared,
                &method,
                &path,
                ApiError::new(status, &code, message),
            )
        }
    }
}
