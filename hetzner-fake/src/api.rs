//! The `/v1` API: authentication, rate limiting, faults, then the endpoints.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};
use std::time::Duration;

use crate::catalogue;
use crate::error::ApiError;
use crate::faults::{self, FaultKind};
use crate::query::{paginate, sort, LabelSelector, Query};
use crate::state::{self, Permission, RateLimitState, World};
use crate::{Exchange, Shared};

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/v1", any(handle))
        .route("/v1/{*rest}", any(handle))
        .with_state(shared)
}

/// What an endpoint answers: status, JSON body (none for 204), Link header.
struct Answer {
    status: StatusCode,
    body: Option<Value>,
    link: Option<String>,
}

impl Answer {
    fn ok(body: Value) -> Self {
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

fn push(
    shared: &Shared,
    method: &Method,
    path: &str,
    status: u16,
    body: Option<Value>,
    malformed_on_purpose: bool,
) {
    shared.lock().exchanges.push(Exchange {
        method: method.to_string(),
        path: path.into(),
        status,
        body,
        malformed_on_purpose,
    });
}

fn record(shared: &Shared, method: &Method, path: &str, status: u16, body: Option<Value>) {
    push(shared, method, path, status, body, false);
}

fn record_fault(shared: &Shared, method: &Method, path: &str) {
    push(shared, method, path, 0, None, true);
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let (latency, fault) = {
        let mut inner = shared.lock();
        let fault = faults::take(&mut inner.faults, method.as_str(), &path);
        (inner.latency, fault)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(FaultKind::Hang) => {
            record_fault(&shared, &method, &path);
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
        }
        Some(FaultKind::Drop) => {
            record_fault(&shared, &method, &path);
            return dropped_connection();
        }
        Some(FaultKind::NotJson) => {
            record_fault(&shared, &method, &path);
            return respond(
                StatusCode::OK,
                Body::from("<html><body>502 Bad Gateway</body></html>"),
                "text/html",
                None,
                None,
            );
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
        None => {}
    }

    let query = Query::parse(uri.query());
    let authorization = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let (answer, rate) = {
        let mut inner = shared.lock();
        let world = &mut inner.world;
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
    finish(&shared, &method, &path, answer, rate)
}

fn error_answer(err: ApiError) -> Answer {
    Answer {
        status: err.status,
        body: Some(err.body()),
        link: None,
    }
}

fn finish(
    shared: &Shared,
    method: &Method,
    path: &str,
    answer: Answer,
    rate: Option<RateLimitState>,
) -> Response {
    record(
        shared,
        method,
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

/// Headers promise a body that never fully arrives: the connection drops.
fn dropped_connection() -> Response {
    let stream = futures::stream::iter([
        Ok(Bytes::from_static(b"{\"servers\": [")),
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

fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(what))
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::json_error(format!("invalid JSON: {e}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ApiError::json_error("request body must be a JSON object"))
    }
}

fn labels_match(item: &Value, selector: &Option<LabelSelector>) -> bool {
    let labels = item["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    selector.as_ref().is_none_or(|s| s.matches(&labels))
}

/// Filters by exact field values and label selector, sorts, paginates.
fn list(
    key: &str,
    path: &str,
    mut items: Vec<Value>,
    query: &Query,
    fields: &[&str],
) -> Result<Answer, ApiError> {
    let selector = query
        .get("label_selector")
        .map(LabelSelector::parse)
        .transpose()?;
    items.retain(|item| {
        labels_match(item, &selector)
            && fields.iter().all(|f| {
                let wanted = query.all(f);
                wanted.is_empty() || wanted.iter().any(|w| item[*f].as_str() == Some(w))
            })
    });
    sort(&mut items, query)?;
    let (page, meta, link) = paginate(items, query, path)?;
    Ok(Answer {
        status: StatusCode::OK,
        body: Some(json!({ key: page, "meta": meta })),
        link: Some(link),
    })
}

fn dispatch(
    world: &mut World,
    project: usize,
    method: &Method,
    path: &str,
    query: &Query,
    body: &Bytes,
) -> Result<Answer, ApiError> {
    let segments: Vec<&str> = path
        .trim_start_matches("/v1")
        .trim_matches('/')
        .split('/')
        .collect();
    let config = world.config.clone();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["servers"]) => {
            let p = world.project(project)?;
            let items = p
                .servers
                .values()
                .map(|s| state::server_json(s, &config))
                .collect();
            list("servers", "/servers", items, query, &["name", "status"])
        }
        ("POST", ["servers"]) => {
            let body = parse_body(body)?;
            let mut answer = Answer::ok(world.create_server(project, &body)?);
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("GET", ["servers", id]) => {
            let id = parse_id(id, "server")?;
            let server = world
                .project(project)?
                .servers
                .get(&id)
                .ok_or_else(|| ApiError::not_found("server"))?;
            Ok(Answer::ok(
                json!({ "server": state::server_json(server, &config) }),
            ))
        }
        ("DELETE", ["servers", id]) => Ok(Answer::ok(
            world.delete_server(project, parse_id(id, "server")?)?,
        )),
        ("GET", ["ssh_keys"]) => {
            let items = world
                .project(project)?
                .ssh_keys
                .values()
                .map(state::ssh_key_json)
                .collect();
            list(
                "ssh_keys",
                "/ssh_keys",
                items,
                query,
                &["name", "fingerprint"],
            )
        }
        ("POST", ["ssh_keys"]) => {
            let body = parse_body(body)?;
            let mut answer = Answer::ok(world.create_ssh_key(project, &body)?);
            answer.status = StatusCode::CREATED;
            Ok(answer)
        }
        ("GET", ["ssh_keys", id]) => {
            let id = parse_id(id, "ssh_key")?;
            let key = world
                .project(project)?
                .ssh_keys
                .get(&id)
                .ok_or_else(|| ApiError::not_found("ssh_key"))?;
            Ok(Answer::ok(json!({ "ssh_key": state::ssh_key_json(key) })))
        }
        ("DELETE", ["ssh_keys", id]) => {
            world.delete_ssh_key(project, parse_id(id, "ssh_key")?)?;
            Ok(Answer {
                status: StatusCode::NO_CONTENT,
                body: None,
                link: None,
            })
        }
        ("GET", ["server_types"]) => {
            let items = catalogue::SERVER_TYPES
                .iter()
                .map(catalogue::server_type_json)
                .collect();
            list("server_types", "/server_types", items, query, &["name"])
        }
        ("GET", ["locations"]) => {
            let items = catalogue::LOCATIONS
                .iter()
                .map(catalogue::location_json)
                .collect();
            list("locations", "/locations", items, query, &["name"])
        }
        ("GET", ["images"]) => {
            if query
                .all("type")
                .iter()
                .any(|t| !matches!(*t, "system" | "snapshot" | "backup" | "app"))
            {
                return Err(ApiError::invalid_input(&[("type", "invalid image type")]));
            }
            let items = catalogue::IMAGES
                .iter()
                .map(catalogue::image_json)
                .collect();
            list(
                "images",
                "/images",
                items,
                query,
                &["name", "type", "architecture", "status"],
            )
        }
        ("GET", ["pricing"]) => Ok(Answer::ok(catalogue::pricing_json())),
        ("GET", ["actions", id]) => {
            let id = parse_id(id, "action")?;
            let action = world
                .project(project)?
                .actions
                .get(&id)
                .ok_or_else(|| ApiError::not_found("action"))?;
            Ok(Answer::ok(json!({ "action": state::action_json(action) })))
        }
        ("GET", ["actions"]) => {
            let ids = query.all("id");
            if ids.is_empty() {
                return Err(ApiError::invalid_input(&[("id", "is required")]));
            }
            let p = world.project(project)?;
            let items = ids
                .iter()
                .filter_map(|id| id.parse::<i64>().ok())
                .filter_map(|id| p.actions.get(&id))
                .map(state::action_json)
                .collect();
            list("actions", "/actions", items, query, &["status"])
        }
        _ => Err(ApiError::not_found("resource")),
    }
}
