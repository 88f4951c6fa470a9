//! Where DigitalOcean sends the browser back: the code is exchanged and the
//! team stored, then the browser goes to the Dashboard, or back to the
//! connect page with the outcome as a fixed word. An axum handler (not a
//! page): it must answer at exactly the registered redirect URI.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::activity::{Entry, Outcome, RequestInfo};
use domain::connections::digitalocean::Callback;
use domain::providers::digitalocean::AuthorizationCode;
use domain::signed_in::SignedIn;
use http::HeaderMap;
use serde::Deserialize;

use super::{outcome_word, CONNECT_PATH};
use crate::error::{AppError, Refusal};
use crate::paths;
use crate::ssr::{session_secret_in, AppState, ClientAddress};

#[derive(Deserialize)]
pub struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

pub async fn handle(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientAddress>>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return Redirect::to(&format!("{CONNECT_PATH}?outcome=expired")).into_response();
    };
    let Some(secret) = session_secret_in(&headers, state.secure_cookies) else {
        return Redirect::to(&paths::with_next(paths::SIGN_IN, CONNECT_PATH)).into_response();
    };
    let outcome = async {
        let user = SignedIn::look_up(&state.db, &secret)
            .await?
            .ok_or(AppError(Refusal::NotSignedIn))?
            .user;
        let callback = Callback {
            state: query.state,
            code: query.code.map(AuthorizationCode::new),
            error: query.error,
        };
        let connected = state
            .connections
            .complete_digitalocean(&user.id, &secret, callback)
            .await?;
        let action = if connected.replaced {
            domain::activity::Action::TokenReplaced
        } else {
            domain::activity::Action::Connected
        };
        let entry = Entry::new(action, Outcome::Ok)
            .on(&connected.connection.id, &connected.connection.label);
        state
            .activity
            .record(&user.id, &request_info(&headers, client), entry)
            .await;
        Ok::<_, AppError>(connected)
    }
    .await;
    let to = match outcome {
        Ok(connected) => paths::connected(connected.connection.id.as_str(), connected.replaced),
        Err(AppError(Refusal::NotSignedIn)) => paths::with_next(paths::SIGN_IN, CONNECT_PATH),
        Err(err) => format!("{CONNECT_PATH}?outcome={}", outcome_word(&err)),
    };
    // 303: the browser loads the next page with GET, and the code is not in its history twice.
    Redirect::to(&to).into_response()
}

/// This handler runs outside Leptos: the request's metadata from its headers.
fn request_info(
    headers: &HeaderMap,
    client: Option<axum::Extension<ClientAddress>>,
) -> RequestInfo {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    RequestInfo {
        request_id: header("x-request-id"),
        client_address: client.map(|c| c.0.shown).unwrap_or_default(),
        user_agent: header("user-agent").unwrap_or_default(),
    }
}
