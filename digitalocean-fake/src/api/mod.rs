//! API v2: faults and latency, the Bearer check, the rate limit, the scope
//! check, then the endpoints (`endpoints.rs`), and recording every exchange.

mod endpoints;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::Value;

use crate::error::ApiError;
use crate::scopes;
use crate::world::{random_uuid, Limited};
use crate::SharedState;

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/v2/{*rest}", any(handle))
        .with_state(shared)
}

/// What an endpoint answers: status and JSON body (none for 204).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Option<Value>,
}

impl Answer {
    pub fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
        }
    }

    pub fn created(body: Value) -> Self {
        Self {
            status: StatusCode::CREATED,
            body: Some(body),
        }
    }

    pub fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }
}

/// The request as the endpoints see it.
pub(crate) struct Request<'a> {
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a Bytes,
    /// `http://host`, for the links of lists and actions.
    pub origin: String,
}

impl Request<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn handle(
    State(shared): State<SharedState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let request_id = random_uuid();
    let origin = format!(
        "http://{}",
        headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
    );
    let request = Request {
        path: &path,
        query: form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect(),
        body: &body,
        origin,
    };
    let authorization = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let (answer, limited) = {
        let mut state = shared.lock();
        let world = &mut state.world;
        match world
            .authenticate(authorization)
            .map(|i| world.grants[i].clone())
        {
            None => (Err(ApiError::unauthorized()), None),
            Some(grant) => {
                let route = scopes::find(method.as_str(), &path);
                let listing_keys =
                    route.is_some_and(|r| r.method == "GET" && r.template == "/v2/account/keys");
                match world.consume(&grant.access, listing_keys) {
                    Err(limited) => (Err(ApiError::too_many_requests()), Some(limited)),
                    Ok(limited) => {
                        let answer = match route {
                            None => Err(ApiError::not_found()),
                            Some(route)
                                if !route
                                    .scopes
                                    .iter()
                                    .all(|s| scopes::grants(&grant.scopes, s)) =>
                            {
                                Err(ApiError::forbidden())
                            }
                            Some(route) => endpoints::dispatch(world, &grant, route, &request),
                        };
                        (answer, Some(limited))
                    }
                }
            }
        }
    };
    let answer = answer.unwrap_or_else(|e| error_answer(e, &request_id));
    finish(&shared, &method, &path, &request_id, answer, limited)
}

/// An API error injected by a test, with the headers a real one has.
pub(crate) fn injected_error(
    shared: &SharedState,
    method: &str,
    path: &str,
    error: ApiError,
) -> Response {
    let limited = (error.status == StatusCode::TOO_MANY_REQUESTS).then(|| Limited {
        limit: 5000,
        remaining: 0,
        reset_secs: shared.lock().world.clock.now_secs() + 60,
        retry_after: Some(1),
    });
    let request_id = random_uuid();
    let method = method.parse().unwrap_or(Method::GET);
    finish(
        shared,
        &method,
        path,
        &request_id,
        error_answer(error, &request_id),
        limited,
    )
}

fn error_answer(error: ApiError, request_id: &str) -> Answer {
    Answer {
        status: error.status,
        body: Some(error.body(request_id)),
    }
}

fn finish(
    shared: &SharedState,
    method: &Method,
    path: &str,
    request_id: &str,
    answer: Answer,
    limited: Option<Limited>,
) -> Response {
    shared.record(
        method.as_str(),
        path,
        answer.status.as_u16(),
        answer.body.clone(),
    );
    let now = shared.lock().world.clock.now_secs();
    let body = answer
        .body
        .map(|b| Body::from(b.to_string()))
        .unwrap_or_else(Body::empty);
    let mut response = Response::new(body);
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    if answer.status != StatusCode::NO_CONTENT {
        put("content-type", "application/json; charset=utf-8".into());
    }
    put("x-request-id", request_id.into());
    let limited = limited.unwrap_or(Limited {
        limit: 5000,
        remaining: 5000,
        reset_secs: now + 3600,
        retry_after: None,
    });
    put("ratelimit-limit", limited.limit.to_string());
    put("ratelimit-remaining", limited.remaining.to_string());
    put("ratelimit-reset", limited.reset_secs.to_string());
    if let Some(wait) = limited.retry_after {
        put("retry-after", wait.to_string());
    }
    response
}
