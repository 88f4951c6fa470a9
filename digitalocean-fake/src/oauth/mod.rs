//! The OAuth host (`/v1/oauth/…`): authorize with a consent page, token
//! (also at the older `/refresh`), and revoke. The rules are in
//! `world/oauth/`; this file speaks HTTP.

mod pages;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::world::{AuthorizeRequest, OAuthError, TokenRequest};
use crate::SharedState;

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/v1/oauth/authorize", get(authorize))
        .route("/v1/oauth/authorize/sign_in", post(sign_in))
        .route("/v1/oauth/authorize/decision", post(decide))
        .route("/v1/oauth/token", post(token))
        .route("/v1/oauth/refresh", post(token))
        .route("/v1/oauth/revoke", post(revoke))
        .with_state(shared)
}

fn redirect_to(redirect_uri: &str, params: &[(String, String)]) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{separator}{query}");
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => error_page("The redirect uri included is not valid."),
    }
}

fn error_page(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Html(pages::error(message))).into_response()
}

fn oauth_error(error: OAuthError) -> Response {
    match error {
        OAuthError::Page(message) => error_page(&message),
        OAuthError::Redirect {
            redirect_uri,
            error,
            description,
            state,
        } => {
            let mut params = vec![
                ("error".to_string(), error.to_string()),
                ("error_description".into(), description),
            ];
            params.extend(state.map(|s| ("state".to_string(), s)));
            redirect_to(&redirect_uri, &params)
        }
        token_error => {
            let (status, body) = token_error.token_body();
            (
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                Json(body),
            )
                .into_response()
        }
    }
}

async fn authorize(
    State(shared): State<SharedState>,
    query: Result<Query<AuthorizeRequest>, QueryRejection>,
) -> Response {
    let Ok(Query(request)) = query else {
        return error_page(
            "The request is missing a required parameter or is otherwise malformed.",
        );
    };
    let mut state = shared.lock();
    let id = match state.world.begin_authorization(request) {
        Ok(id) => id,
        Err(error) => return oauth_error(error),
    };
    match state.world.consent_view(&id) {
        Some(view) => Html(pages::sign_in(&id, &view, false)).into_response(),
        None => error_page("This authorization request has expired."),
    }
}

#[derive(Deserialize)]
struct SignIn {
    request: String,
    email: String,
    password: String,
}

async fn sign_in(State(shared): State<SharedState>, form: axum::Form<SignIn>) -> Response {
    let mut state = shared.lock();
    let signed_in = state
        .world
        .sign_in_for_consent(&form.request, &form.email, &form.password);
    match state.world.consent_view(&form.request) {
        None => error_page("This authorization request has expired."),
        Some(view) if signed_in => Html(pages::consent(&form.request, &view)).into_response(),
        Some(view) => (
            StatusCode::UNAUTHORIZED,
            Html(pages::sign_in(&form.request, &view, true)),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct Decision {
    request: String,
    team: Option<String>,
    decision: String,
}

async fn decide(State(shared): State<SharedState>, form: axum::Form<Decision>) -> Response {
    let approve = form.decision == "authorize";
    let decided = shared
        .lock()
        .world
        .decide(&form.request, form.team.as_deref(), approve);
    match decided {
        Some((redirect_uri, params)) => redirect_to(&redirect_uri, &params),
        None => error_page("This authorization request has expired or the team is not yours."),
    }
}

/// OAuth answers are recorded without their bodies: the record is for
/// shapes, and these hold secrets.
fn record(shared: &SharedState, path: &str, status: u16) {
    shared.record("POST", path, status, None);
}

async fn token(State(shared): State<SharedState>, uri: axum::http::Uri, body: Bytes) -> Response {
    let form: TokenRequest = serde_urlencoded_form(&body);
    let answer = shared.lock().world.token(form);
    let response = match answer {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(error) => oauth_error(error),
    };
    record(&shared, uri.path(), response.status().as_u16());
    response
}

/// The form fields the token endpoint reads; unknown and repeated fields are
/// ignored, the first of each wins.
fn serde_urlencoded_form(body: &[u8]) -> TokenRequest {
    let mut request = TokenRequest::default();
    for (key, value) in form_urlencoded::parse(body) {
        let slot = match key.as_ref() {
            "grant_type" => &mut request.grant_type,
            "code" => &mut request.code,
            "client_id" => &mut request.client_id,
            "client_secret" => &mut request.client_secret,
            "redirect_uri" => &mut request.redirect_uri,
            "code_verifier" => &mut request.code_verifier,
            "refresh_token" => &mut request.refresh_token,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.into_owned());
        }
    }
    request
}

async fn revoke(State(shared): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    let revoked = shared.lock().world.revoke(bearer, token.as_deref());
    let response = match revoked {
        Ok(()) => (StatusCode::OK, Json(json!({}))).into_response(),
        Err(error) => oauth_error(error),
    };
    record(&shared, "/v1/oauth/revoke", response.status().as_u16());
    response
}
