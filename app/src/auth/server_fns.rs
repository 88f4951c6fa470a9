//! Sign up, sign in (the password, then any second step: a code or a
//! passkey) and sign out.

use leptos::prelude::*;

use super::{PasskeyChallenge, SecondSteps};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::activity::Outcome;

/// A new session for the user, its cookie, and where the browser goes on
/// (`next`): answered, and for a plain form post, redirected to.
#[cfg(feature = "ssr")]
pub(super) async fn start_session(
    state: &crate::ssr::AppState,
    user_id: &model::UserId,
    factors: &str,
    next: Option<String>,
) -> Result<String, AppError> {
    let secret = state
        .sessions
        .create(user_id, &crate::ssr::session_origin(), factors)
        .await?;
    crate::ssr::set_session_cookie(secret.expose(), state.secure_cookies)?;
    let next = next
        .as_deref()
        .and_then(crate::paths::local_path)
        .unwrap_or(crate::paths::DASHBOARD)
        .to_string();
    crate::ssr::redirect_plain_form_post(&next);
    Ok(next)
}

/// Creates the account and signs it in; a plain form post then goes to `next`.
#[server(prefix = "/api", endpoint = "sign_up", output = crate::wire::TextJson)]
pub async fn sign_up(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let user = state
        .accounts
        .sign_up(&email, &password, &client_address())
        .await?;
    tracing::info!(user_id = %user.id, "account created");
    record_account(
        &state,
        &user.id,
        domain::activity::Action::AccountCreated,
        Outcome::Ok,
    )
    .await;
    start_session(&state, &user.id, PASSWORD_ONLY, next).await
}

/// What a session proved when only the password was asked.
#[cfg(feature = "ssr")]
const PASSWORD_ONLY: &str = "password";

/// Checks the password; answers where the browser goes next: on, or to the
/// second step when the account has one (no session exists before it).
#[server(prefix = "/api", endpoint = "sign_in", output = crate::wire::TextJson)]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let signed_in = state
        .accounts
        .sign_in(&email, &password, &client_address())
        .await;
    let user = match signed_in {
        Ok(user) => user,
        Err(err) => {
            // A failed attempt on an existing account is the owner's to see.
            // A throttled one checked no password: not recorded, so it costs
            // the same for an existing email as for an unknown one.
            let throttled = matches!(
                err,
                domain::DomainError::Refused(crate::error::Refusal::Throttled(_))
            );
            let owner = if throttled {
                None
            } else {
                state.accounts.user_id_for(&email).await.ok().flatten()
            };
            if let Some(user_id) = owner {
                record_account(
                    &state,
                    &user_id,
                    domain::activity::Action::PasswordEntered,
                    Outcome::Failed,
                )
                .await;
            }
            return Err(err.into());
        }
    };
    // Sign-in always starts a new session; any earlier one is ended.
    if let Some(old) = session_secret(&state)? {
        state.sessions.revoke(&old).await?;
        clear_session_cookie(state.secure_cookies)?;
    }
    if state.second_factors.any_on(&user.id).await? {
        let pending = state.second_factors.begin_sign_in(&user.id).await?;
        set_pending_sign_in_cookie(pending.expose(), state.secure_cookies)?;
        tracing::info!(user_id = %user.id, "password accepted; waiting for the second factor");
        record_account(
            &state,
            &user.id,
            domain::activity::Action::PasswordEntered,
            Outcome::Ok,
        )
        .await;
        let second_step = crate::paths::with_next(
            crate::paths::SECOND_STEP,
            next.as_deref().unwrap_or(crate::paths::DASHBOARD),
        );
        redirect_plain_form_post(&second_step);
        return Ok(second_step);
    }
    tracing::info!(user_id = %user.id, "signed in");
    record_account(
        &state,
        &user.id,
        domain::activity::Action::PasswordEntered,
        Outcome::Ok,
    )
    .await;
    start_session(&state, &user.id, PASSWORD_ONLY, next).await
}

/// The second step: a code from the authenticator app or a recovery code
/// completes the sign-in this browser started.
#[server(prefix = "/api", endpoint = "verify_sign_in", output = crate::wire::TextJson)]
pub async fn verify_sign_in(code: String, next: Option<String>) -> Result<String, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let completed = state.second_factors.complete_sign_in(&pending, &code).await;
    let (user_id, factor) = match completed {
        Ok(completed) => completed,
        Err(err) => {
            if let Ok(Some(user_id)) = state.second_factors.waiting_user(&pending).await {
                let action = domain::activity::Action::SecondFactorEntered;
                record_account(&state, &user_id, action, Outcome::Failed).await;
            }
            return Err(err.into());
        }
    };
    clear_pending_sign_in_cookie(state.secure_cookies)?;
    tracing::info!(%user_id, factor = factor.as_str(), "signed in with a second factor");
    record_account(&state, &user_id, factor.sign_in_action(), Outcome::Ok).await;
    start_session(&state, &user_id, factor.as_str(), next).await
}

#[server(prefix = "/api", endpoint = "sign_out", output = crate::wire::TextJson)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    if let Some(secret) = session_secret(&state)? {
        if let Some(user) = current_user(&state).await? {
            record_account(
                &state,
                &user.id,
                domain::activity::Action::SignedOut,
                Outcome::Ok,
            )
            .await;
        }
        state.sessions.revoke(&secret).await?;
    }
    clear_session_cookie(state.secure_cookies)?;
    redirect_to(crate::paths::SIGN_IN);
    Ok(())
}

#[server(prefix = "/api", endpoint = "load_second_steps", output = crate::wire::TextJson)]
pub async fn load_second_steps() -> Result<SecondSteps, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let (authenticator, passkey) = state.second_factors.waiting_steps(&pending).await?;
    Ok(SecondSteps {
        authenticator,
        passkey,
    })
}

#[server(prefix = "/api", endpoint = "begin_passkey_sign_in", output = crate::wire::TextJson)]
pub async fn begin_passkey_sign_in() -> Result<PasskeyChallenge, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let challenge = state.second_factors.begin_passkey_sign_in(&pending).await?;
    Ok(challenge.into())
}

/// Completes the sign-in this browser started with the passkey's answer.
#[server(prefix = "/api", endpoint = "finish_passkey_sign_in", output = crate::wire::TextJson)]
pub async fn finish_passkey_sign_in(
    ceremony: String,
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let completed = state
        .second_factors
        .complete_sign_in_with_passkey(&pending, &ceremony, &credential)
        .await;
    let (user_id, factor) = match completed {
        Ok(completed) => completed,
        Err(err) => {
            if let Ok(Some(user_id)) = state.second_factors.waiting_user(&pending).await {
                let action = domain::accounts::second_factor::Factor::Passkey.sign_in_action();
                record_account(&state, &user_id, action, Outcome::Failed).await;
            }
            return Err(err.into());
        }
    };
    clear_pending_sign_in_cookie(state.secure_cookies)?;
    tracing::info!(%user_id, "signed in with a passkey");
    record_account(&state, &user_id, factor.sign_in_action(), Outcome::Ok).await;
    start_session(&state, &user_id, factor.as_str(), next).await
}
