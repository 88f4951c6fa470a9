//! Server-side plumbing for server functions: shared state, the request at
//! hand and the session cookie.

use axum::extract::{ConnectInfo, FromRef};
use domain::accounts::{Accounts, User};
use domain::connections::Connections;
use domain::projects::Projects;
use domain::sessions::{Sessions, SESSION_TTL_SECS};
use domain::Database;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::SocketAddr;

use crate::error::AppError;

pub const SESSION_COOKIE: &str = "potions_session";

/// Everything server functions and the router share.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Database,
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub connections: Connections,
    pub projects: Projects,
    /// Mark cookies `Secure` (the public URL is https).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Database,
        connections: Connections,
        secure_cookies: bool,
    ) -> Self {
        Self {
            leptos_options,
            accounts: Accounts::new(db.clone()),
            sessions: Sessions::new(db.clone()),
            projects: Projects::new(connections.clone()),
            connections,
            db,
            secure_cookies,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_secret() -> Result<Option<String>, AppError> {
    Ok(cookie_value(&request_parts()?, SESSION_COOKIE))
}

pub async fn current_user() -> Result<Option<User>, AppError> {
    let Some(secret) = session_secret()? else {
        return Ok(None);
    };
    Ok(state()?.sessions.user(&secret).await?)
}

pub async fn require_user() -> Result<User, AppError> {
    current_user().await?.ok_or(AppError::NotSignedIn)
}

fn set_cookie(value: String) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    let header = HeaderValue::from_str(&value).map_err(|_| AppError::Internal)?;
    response.append_header(SET_COOKIE, header);
    Ok(())
}

fn cookie_attributes(secure: bool, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

pub fn set_session_cookie(secret: &str, secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{SESSION_COOKIE}={secret}; {}",
        cookie_attributes(secure, SESSION_TTL_SECS)
    ))
}

pub fn clear_session_cookie(secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{SESSION_COOKIE}=; {}",
        cookie_attributes(secure, 0)
    ))
}

/// The peer address, used as the per-address throttle key.
pub fn client_address() -> String {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Sends the browser on to `path` after a successful form post.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(crate::url::local_path(path).unwrap_or("/"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let req = http::Request::builder()
            .header(COOKIE, "a=1; potions_session=xyz; b=2")
            .body(())
            .expect("request");
        let (parts, _) = req.into_parts();
        assert_eq!(cookie_value(&parts, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie_value(&parts, "missing"), None);
    }
}
