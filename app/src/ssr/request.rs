//! The request at hand: who sent it, and where the browser goes next.

use axum::extract::ConnectInfo;
use http::request::Parts;
use leptos::prelude::*;
use std::net::SocketAddr;

use crate::error::{AppError, Refusal};
use crate::paths::{local_path, DASHBOARD};

pub(super) fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError(Refusal::Internal))
}

/// The client of a request, set by the server for each request (the peer,
/// or the client a trusted proxy names).
#[derive(Clone, Debug)]
pub struct ClientAddress {
    /// As throttles count it: IPv6 by its /64.
    pub throttle_key: String,
    /// As Sessions and the activity log show it: the whole address.
    pub shown: String,
}

/// The per-address throttle key of the request at hand.
pub fn client_address() -> String {
    client(|c| c.throttle_key.clone())
}

/// The address of the request at hand as users read it.
fn shown_client_address() -> String {
    client(|c| c.shown.clone())
}

fn client(field: impl Fn(&ClientAddress) -> String) -> String {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ClientAddress>()
                .map(&field)
                .or_else(|| {
                    parts
                        .extensions
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip().to_string())
                })
        })
        .unwrap_or_else(|| "unknown".into())
}

/// A request header as text, if the request has it.
fn header(name: &str) -> Option<String> {
    use_context::<Parts>().and_then(|parts| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// Where a session starts from: the browser's user agent and the client address.
pub fn session_origin() -> domain::accounts::sessions::SessionOrigin {
    domain::accounts::sessions::SessionOrigin {
        user_agent: header("user-agent").unwrap_or_default(),
        client_address: shown_client_address(),
    }
}

/// The request as the activity log records it: Potions' request id (set
/// for every request by the server), the client address and user agent.
pub fn request_info() -> domain::activity::RequestInfo {
    domain::activity::RequestInfo {
        request_id: header("x-request-id"),
        client_address: shown_client_address(),
        user_agent: header("user-agent").unwrap_or_default(),
    }
}

/// Sends the browser on to `path` after a successful form post.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(local_path(path).unwrap_or(DASHBOARD));
}

/// Redirects a plain HTML form post (no JavaScript); with JavaScript the page
/// decides where to go, e.g. a full load after the session changed.
pub fn redirect_plain_form_post(path: &str) {
    let plain = use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if plain {
        redirect_to(path);
    }
}
