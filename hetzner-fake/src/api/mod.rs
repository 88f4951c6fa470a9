//! The `/v1` API: authentication, rate limiting, faults and latency, then
//! the endpoints (`endpoints.rs`), and recording every exchange.

mod endpoints;

use endpoints::dispatch;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::Value;

use crate::error::ApiError;
use crate::query::Query;
use crate::world::{Permission, RateLimitState};
use crate::SharedState;
use fake_kit::faults::{self, FaultKind};
use fake_kit::transport;

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/v1", any(handle))
        .route("/v1/{*rest}", any(handle))
        .with_state(shared)
}

/// What an endpoint answers: status, JSON body (none for 204), Link header.
pub(super) struct Answer {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub link: Option<String>,
}

impl Answer {
    pub fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            link: None,
        }
    }
}

fn correlation_id() -> String {
    use rand::Rng as _;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

async fn handle(
    State(shared): State<SharedState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let (latency, fault) = {
        let mut state = shared.lock();
        let fault = faults::take(&mut state.faults, method.as_str(), &path);
        (state.latency, fault)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let after_carrying_out = fault.clone();
    match fault {
        Some(FaultKind::Hang) => {
            shared.record_on_purpose(method.as_str(), &path);
            transport::hang().await;
        }
        Some(FaultKind::Drop) => {
            shared.record_on_purpose(method.as_str(), &path);
            return transport::dropped_connection();
        }
        Some(FaultKind::NotJson) => {
            shared.record_on_purpose(method.as_str(), &path);
            return transport::not_json();
        }
        Some(FaultKind::Json { status, body }) => {
            shared.record_on_purpose(method.as_str(), &path);
            return transport::json(status, &body);
        }
        Some(FaultKind::Error {
            status,
            code,
            message,
        }) => {
            let mut error = ApiError::from_code(&code, &message);
            error.status =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let rate = (code == "rate_limit_exceeded").then(|| RateLimitState {
                limit: 3600,
                remaining: 0,
                reset_unix: time::OffsetDateTime::now_utc().unix_timestamp() + 1,
            });
            return finish(
                &shared,
                &method,
                &path,
                Answer {
                    status: error.status,
                    body: Some(error.body()),
                    link: None,
                },
                rate,
            );
        }
        Some(FaultKind::AnswerLost | FaultKind::AnswerLate { .. }) | None => {}
    }

    let query = Query::parse(uri.query());
    let authorization = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let (answer, rate) = {
        let mut state = shared.lock();
        let world = &mut state.world;
        match world.authenticate(authorization) {
            Err(err) => (error_answer(err), None),
            Ok((project, permission)) => match world.consume(project) {
                Err(rate) => (error_answer(ApiError::rate_limited()), Some(rate)),
                Ok(rate) => {
                    let answer = if method != Method::GET && permission == Permission::Read {
                        Err(ApiError::token_readonly())
                    } else {
                        dispatch(world, project, &method, &path, &query, &body)
                    };
                    (answer.unwrap_or_else(error_answer), Some(rate))
                }
            },
        }
    };
    let answered = finish(&shared, &method, &path, answer, rate);
    // Carried out and recorded as answered: only the caller hears late or never.
    match after_carrying_out {
        Some(FaultKind::AnswerLost) => transport::dropped_connection(),
        Some(FaultKind::AnswerLate { ms }) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            answered
        }
        _ => answered,
    }
}

fn error_answer(err: ApiError) -> Answer {
    Answer {
        status: err.status,
        body: Some(err.body()),
        link: None,
    }
}

fn finish(
    shared: &SharedState,
    method: &Method,
    path: &str,
    answer: Answer,
    rate: Option<RateLimitState>,
) -> Response {
    shared.record(
        method.as_str(),
        path,
        answer.status.as_u16(),
        answer.body.clone(),
    );
    let body = answer
        .body
        .map(|b| Body::from(b.to_string()))
        .unwrap_or_else(Body::empty);
    respond(answer.status, body, "application/json", answer.link, rate)
}

fn respond(
    status: StatusCode,
    body: Body,
    content_type: &str,
    link: Option<String>,
    rate: Option<RateLimitState>,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    if status != StatusCode::NO_CONTENT {
        put("content-type", content_type.into());
    }
    put("x-correlation-id", correlation_id());
    let rate = rate.unwrap_or(RateLimitState {
        limit: 3600,
        remaining: 3600,
        reset_unix: time::OffsetDateTime::now_utc().unix_timestamp(),
    });
    put("ratelimit-limit", rate.limit.to_string());
    put("ratelimit-remaining", rate.remaining.to_string());
    put("ratelimit-reset", rate.reset_unix.to_string());
    if let Some(link) = link {
        put("link", link);
    }
    response
}
