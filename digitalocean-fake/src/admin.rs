//! A small control API outside `/v1` and `/v2`, for end-to-end tests and the
//! demo (faults and latency are `fake_kit::admin`'s):
//!
//! - `POST /_admin/users` `{"email", "password", "name", "teams": ["…"]}` makes a user and teams
//! - `PUT /_admin/users/{email}` `{"status": "locked", "email_verified": false}` changes the account
//! - `POST /_admin/users/{email}/revoke` revokes every token of the user (revoking the app does that)
//! - `POST /_admin/apps` `{"name", "redirect_uri"}` registers an app; answers its client id and secret
//! - `POST /_admin/clock` `{"advance_secs": 2592000}` moves the fake's clock forward
//! - `GET /_admin/teams/{name}` the team's droplets and SSH keys

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::render;
use crate::world::AccountStatus;
use crate::SharedState;

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/_admin/users", post(create_user))
        .route("/_admin/users/{email}", put(change_user))
        .route("/_admin/users/{email}/revoke", post(revoke_user_tokens))
        .route("/_admin/apps", post(create_app))
        .route("/_admin/clock", post(advance_clock))
        .route("/_admin/teams/{name}", get(show_team))
        .with_state(shared.clone())
        .merge(fake_kit::admin::fault_routes(shared))
}

#[derive(Deserialize)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: String,
    pub teams: Vec<String>,
}

async fn create_user(State(shared): State<SharedState>, Json(user): Json<NewUser>) -> Response {
    let mut state = shared.lock();
    if state.world.user_by_email_mut(&user.email).is_some() {
        return (StatusCode::CONFLICT, "user exists").into_response();
    }
    let uuid = state
        .world
        .add_user(&user.email, &user.password, &user.name, &user.teams);
    let teams: Vec<_> = state
        .world
        .user(&uuid)
        .map(|u| u.teams.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| state.world.team(t))
        .map(|t| json!({ "uuid": t.uuid, "name": t.name }))
        .collect();
    (
        StatusCode::CREATED,
        Json(json!({ "uuid": uuid, "teams": teams })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct AccountChange {
    status: Option<AccountStatus>,
    email_verified: Option<bool>,
}

async fn change_user(
    State(shared): State<SharedState>,
    Path(email): Path<String>,
    Json(change): Json<AccountChange>,
) -> StatusCode {
    let mut state = shared.lock();
    let Some(user) = state.world.user_by_email_mut(&email) else {
        return StatusCode::NOT_FOUND;
    };
    if let Some(status) = change.status {
        user.status = status;
    }
    if let Some(verified) = change.email_verified {
        user.email_verified = verified;
    }
    StatusCode::NO_CONTENT
}

async fn revoke_user_tokens(
    State(shared): State<SharedState>,
    Path(email): Path<String>,
) -> Response {
    let mut state = shared.lock();
    let Some(uuid) = state
        .world
        .user_by_email_mut(&email)
        .map(|u| u.uuid.clone())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let revoked = state.world.revoke_user_tokens(&uuid);
    Json(json!({ "revoked": revoked })).into_response()
}

#[derive(Deserialize)]
struct NewApp {
    name: String,
    redirect_uri: String,
}

async fn create_app(State(shared): State<SharedState>, Json(app): Json<NewApp>) -> Response {
    let app = shared.lock().world.add_app(&app.name, &app.redirect_uri);
    (StatusCode::CREATED, Json(app)).into_response()
}

#[derive(Deserialize)]
struct Advance {
    advance_secs: u64,
}

async fn advance_clock(
    State(shared): State<SharedState>,
    Json(advance): Json<Advance>,
) -> StatusCode {
    shared
        .lock()
        .world
        .clock
        .advance(Duration::from_secs(advance.advance_secs));
    StatusCode::NO_CONTENT
}

async fn show_team(State(shared): State<SharedState>, Path(name): Path<String>) -> Response {
    let state = shared.lock();
    let Some(team) = state.world.team_named(&name) else {
        return (StatusCode::NOT_FOUND, "no such team").into_response();
    };
    let now = state.world.clock.now_ms();
    Json(json!({
        "uuid": team.uuid,
        "name": team.name,
        "droplets": team.droplets.values().map(|d| render::droplet_json(d, now)).collect::<Vec<_>>(),
        "ssh_keys": team.ssh_keys.values().map(render::ssh_key_json).collect::<Vec<_>>(),
    }))
    .into_response()
}
