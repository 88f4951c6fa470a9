//! The session cookie and the user it names, and the cookie of a sign-in
//! waiting for its second step.

use domain::accounts::second_factor::PENDING_TTL_SECS;
use domain::accounts::sessions::SESSION_TTL_SECS;
use domain::accounts::User;
use domain::signed_in::SignedIn;
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::sync::Arc;

use super::request::request_parts;
use super::AppState;
use crate::error::{AppError, Refusal};

pub const SESSION_COOKIE: &str = "potions_session";
/// Over https the cookie carries the `__Host-` prefix: browsers then accept it
/// only with `Secure`, `Path=/` and no `Domain`, so no sibling subdomain can
/// set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-potions_session";

/// A sign-in waiting for its second step (prefixed over https like the session's).
const PENDING_COOKIE: &str = "potions_pending_sign_in";
const SECURE_PENDING_COOKIE: &str = "__Host-potions_pending_sign_in";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_PENDING_COOKIE
    } else {
        PENDING_COOKIE
    }
}

/// The session secret in a request's headers, for handlers outside Leptos.
pub fn session_secret_in(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    cookie_in(headers, cookie_name(secure))
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_secret(state: &AppState) -> Result<Option<String>, AppError> {
    Ok(session_secret_in(
        &request_parts()?.headers,
        state.secure_cookies,
    ))
}

/// The request's signed-in user and their connections, looked up once
/// however many of a page's resources and server functions ask. It lives as
/// long as the request, so sign-out, revoked sessions and other requests'
/// changes take effect on the next one, on every instance.
/// Shared, so each asker gets it without copying the connections.
#[derive(Clone, Default)]
pub struct RequestSignedIn(Arc<tokio::sync::OnceCell<Option<Arc<SignedIn>>>>);

pub async fn signed_in(state: &AppState) -> Result<Option<Arc<SignedIn>>, AppError> {
    let look_up = || async {
        let Some(secret) = session_secret(state)? else {
            return Ok(None);
        };
        Ok::<_, AppError>(SignedIn::look_up(&state.db, &secret).await?.map(Arc::new))
    };
    match use_context::<RequestSignedIn>() {
        Some(cached) => cached.0.get_or_try_init(look_up).await.cloned(),
        None => look_up().await,
    }
}

/// The signed-in browser's session, which flows begun in it are bound to.
pub fn browser_session(
    state: &AppState,
) -> Result<domain::accounts::sessions::BrowserSession, AppError> {
    session_secret(state)?
        .map(|secret| domain::accounts::sessions::BrowserSession::of(&secret))
        .ok_or(AppError(Refusal::NotSignedIn))
}

pub async fn current_user(state: &AppState) -> Result<Option<User>, AppError> {
    Ok(signed_in(state)
        .await?
        .map(|signed_in| signed_in.user.clone()))
}

fn set_cookie(value: String) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError(Refusal::Internal))?;
    let header = HeaderValue::from_str(&value).map_err(|_| AppError(Refusal::Internal))?;
    response.append_header(SET_COOKIE, header);
    Ok(())
}

fn cookie_attributes(secure: bool, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

pub fn set_session_cookie(secret: &str, secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{}={secret}; {}",
        cookie_name(secure),
        cookie_attributes(secure, SESSION_TTL_SECS)
    ))
}

pub fn clear_session_cookie(secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{}=; {}",
        cookie_name(secure),
        cookie_attributes(secure, 0)
    ))
}

/// The secret of this browser's sign-in waiting for its second step.
pub fn pending_sign_in(state: &AppState) -> Result<Option<String>, AppError> {
    Ok(cookie_in(
        &request_parts()?.headers,
        pending_cookie_name(state.secure_cookies),
    ))
}

pub fn set_pending_sign_in_cookie(secret: &str, secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{}={secret}; {}",
        pending_cookie_name(secure),
        cookie_attributes(secure, PENDING_TTL_SECS)
    ))
}

pub fn clear_pending_sign_in_cookie(secure: bool) -> Result<(), AppError> {
    set_cookie(format!(
        "{}=; {}",
        pending_cookie_name(secure),
        cookie_attributes(secure, 0)
    ))
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
        assert_eq!(
            session_secret_in(&parts.headers, false).as_deref(),
            Some("xyz")
        );
        assert_eq!(
            session_secret_in(&parts.headers, true),
            None,
            "over https the cookie has another name"
        );
    }
}
