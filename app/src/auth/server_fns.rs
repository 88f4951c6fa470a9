//! Sign up, sign in, sign out, and who is signed in.

use leptos::prelude::*;

use super::SignedInUser;
use crate::error::AppError;

/// A new session for the user, its cookie, and (for a plain form post) the
/// way on to `next`.
#[cfg(feature = "ssr")]
async fn start_session(
    state: &crate::ssr::AppState,
    user_id: &str,
    next: Option<String>,
) -> Result<(), AppError> {
    let secret = state.sessions.create(user_id).await?;
    crate::ssr::set_session_cookie(secret.expose(), state.secure_cookies)?;
    crate::ssr::redirect_plain_form_post(next.as_deref().unwrap_or(crate::paths::DASHBOARD));
    Ok(())
}

#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    Ok(crate::ssr::current_user(&crate::ssr::state()?)
        .await?
        .map(|user| SignedInUser { email: user.email }))
}

/// Creates the account and signs it in; a plain form post then goes to `next`.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    let user = state
        .accounts
        .sign_up(&email, &password, &client_address())
        .await?;
    tracing::info!(user_id = %user.id, "account created");
    start_session(&state, &user.id, next).await
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    let user = state
        .accounts
        .sign_in(&email, &password, &client_address())
        .await?;
    // Sign-in always starts a new session; any earlier one is ended.
    if let Some(old) = session_secret(&state)? {
        state.sessions.revoke(&old).await?;
    }
    tracing::info!(user_id = %user.id, "signed in");
    start_session(&state, &user.id, next).await
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    if let Some(secret) = session_secret(&state)? {
        state.sessions.revoke(&secret).await?;
    }
    clear_session_cookie(state.secure_cookies)?;
    redirect_to(crate::paths::SIGN_IN);
    Ok(())
}
