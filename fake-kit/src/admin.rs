//! The control routes every fake has, outside the provider's API:
//!
//! - `POST /_admin/faults` a [`Fault`] as JSON; `DELETE /_admin/faults` clears them
//! - `PUT /_admin/latency` `{"millis": 50}` adds latency to every API request

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Json, Router};
use serde::Deserialize;
use std::time::Duration;

use crate::shared::Shared;
use crate::Fault;

pub fn fault_routes<W: Send + 'static>(shared: Shared<W>) -> Router {
    Router::new()
        .route(
            "/_admin/faults",
            post(add_fault::<W>).delete(clear_faults::<W>),
        )
        .route("/_admin/latency", put(set_latency::<W>))
        .with_state(shared)
}

async fn add_fault<W>(State(shared): State<Shared<W>>, Json(fault): Json<Fault>) -> StatusCode {
    shared.inject(fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults<W>(State(shared): State<Shared<W>>) -> StatusCode {
    shared.clear_faults();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Latency {
    millis: u64,
}

async fn set_latency<W>(
    State(shared): State<Shared<W>>,
    Json(latency): Json<Latency>,
) -> StatusCode {
    shared.set_latency(Duration::from_millis(latency.millis));
    StatusCode::NO_CONTENT
}
