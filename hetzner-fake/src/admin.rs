//! A small control API outside `/v1`, for end-to-end tests and the demo
//! (faults and latency are `fake_kit::admin`'s):
//!
//! - `POST /_admin/projects` `{"name": "…"}` makes a project; answers its tokens
//! - `GET /_admin/projects/{name}` the project's servers and SSH keys
//! - `DELETE /_admin/tokens/{token}` revokes a token, as deleting it in the console does

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::render;
use crate::world::Permission;
use crate::SharedState;

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/_admin/projects", post(create_project))
        .route("/_admin/projects/{name}", get(show_project))
        .route("/_admin/tokens/{token}", delete(revoke_token))
        .with_state(shared.clone())
        .merge(fake_kit::admin::fault_routes(shared))
}

#[derive(Deserialize)]
struct NewProject {
    name: String,
}

async fn create_project(
    State(shared): State<SharedState>,
    Json(project): Json<NewProject>,
) -> Response {
    let mut state = shared.lock();
    if state.world.project_named(&project.name).is_some() {
        return (StatusCode::CONFLICT, "project exists").into_response();
    }
    let index = state.world.add_project(&project.name);
    let read_write = state.world.add_token(index, Permission::ReadWrite, None);
    let read_only = state.world.add_token(index, Permission::Read, None);
    let created = json!({
        "name": project.name, "read_write_token": read_write, "read_only_token": read_only,
    });
    (StatusCode::CREATED, Json(created)).into_response()
}

async fn show_project(State(shared): State<SharedState>, Path(name): Path<String>) -> Response {
    let state = shared.lock();
    let Some(project) = state
        .world
        .project_named(&name)
        .and_then(|id| state.world.project(id).ok())
    else {
        return (StatusCode::NOT_FOUND, "no such project").into_response();
    };
    Json(json!({
        "name": project.name,
        "servers": project.servers.values().map(|s| render::server_json(s, &state.world.config)).collect::<Vec<_>>(),
        "ssh_keys": project.ssh_keys.values().map(render::ssh_key_json).collect::<Vec<_>>(),
    }))
    .into_response()
}

async fn revoke_token(State(shared): State<SharedState>, Path(token): Path<String>) -> StatusCode {
    if shared.lock().world.revoke_token(&token) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}
