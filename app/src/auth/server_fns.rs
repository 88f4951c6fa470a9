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
    proof: domain::accounts::sessions::SignInProof<'_>,
    next: Option<String>,
) -> Result<String, AppError> {
    let secret = state
        .sessions
        .create(user_id, &crate::ssr::session_origin(), &proof)
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
    end_previous_session(&state).await?;
    record_account(
        &state,
        &user.id,
        domain::activity::Action::AccountCreated,
        Outcome::Ok,
    )
    .await;
    start_session(&state, &user.id, PASSWORD_ONLY, next).await
}

/// Signing in or up always starts a new session: the browser's earlier one
/// (another account's, perhaps) ends on the server, not only in the cookie.
#[cfg(feature = "ssr")]
async fn end_previous_session(state: &crate::ssr::AppState) -> Result<(), AppError> {
    if let Some(old) = crate::ssr::session_secret(state)? {
        state.sessions.revoke(&old).await?;
        crate::ssr::clear_session_cookie(state.secure_cookies)?;
    }
    Ok(())
}

/// What a session proved when only the password was asked.
#[cfg(feature = "ssr")]
const PASSWORD_ONLY: domain::accounts::sessions::SignInProof<'static> =
    domain::accounts::sessions::SignInProof {
        factors: "password",
        wrong_second_steps_before: 0,
        second_factor: false,
    };

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
            match owner {
                Some(user_id) => {
                    let action = domain::activity::Action::PasswordEntered;
                    record_account(&state, &user_id, action, Outcome::Failed).await;
                }
                // No account to show it to: the operator's log has it (the
                // address, never the email typed).
                None if !throttled => {
                    tracing::info!(client = %client_address(), "sign-in refused: no account has that email")
                }
                None => {}
            }
            return Err(err.into());
        }
    };
    end_previous_session(&state).await?;
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
    // Whose sign-in this is, known before a last wrong try ends it.
    let waiting = state.second_factors.waiting_user(&pending).await?;
    let completed = state.second_factors.complete_sign_in(&pending, &code).await;
    let action = domain::activity::Action::SecondFactorEntered;
    signed_in_with_second_step(&state, waiting, completed, action, next).await
}

/// Starts the session a completed second step earned, or records the
/// failed attempt against the account it was for.
#[cfg(feature = "ssr")]
async fn signed_in_with_second_step(
    state: &crate::ssr::AppState,
    waiting: Option<model::UserId>,
    completed: Result<domain::accounts::second_factor::SecondStepDone, domain::DomainError>,
    failed_action: domain::activity::Action,
    next: Option<String>,
) -> Result<String, AppError> {
    let done = match completed {
        Ok(done) => done,
        Err(err) => {
            if let Some(user_id) = waiting {
                crate::ssr::record_account(state, &user_id, failed_action, Outcome::Failed).await;
            }
            return Err(err.into());
        }
    };
    crate::ssr::clear_pending_sign_in_cookie(state.secure_cookies)?;
    let user_id = &done.user_id;
    let factors = done.factor.as_str();
    tracing::info!(%user_id, factors, "signed in with a second factor");
    crate::ssr::record_account(state, user_id, done.factor.sign_in_action(), Outcome::Ok).await;
    let proof = domain::accounts::sessions::SignInProof {
        factors,
        wrong_second_steps_before: done.failures_before,
        second_factor: true,
    };
    start_session(state, user_id, proof, next).await
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
    let waiting = state.second_factors.waiting_user(&pending).await?;
    let completed = state
        .second_factors
        .complete_sign_in_with_passkey(&pending, &ceremony, &credential)
        .await;
    let action = domain::accounts::second_factor::Factor::Passkey.sign_in_action();
    signed_in_with_second_step(&state, waiting, completed, action, next).await
}
