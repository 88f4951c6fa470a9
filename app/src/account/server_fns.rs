//! The server functions of the Account pages: sessions, two-factor sign-in,
//! passkeys and recovery codes.

use leptos::prelude::*;

use super::{SecurityOverview, SessionSummary};
use crate::auth::PasskeyChallenge;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{PasskeySummary, TotpView},
    crate::paths,
    domain::activity::Outcome,
};

#[server(prefix = "/api", endpoint = "load_security", output = crate::wire::TextJson)]
pub async fn load_security() -> Result<SecurityOverview, AppError> {
    use domain::accounts::second_factor::{totp, TotpState};
    let (user, state) = crate::ssr::user_and_state().await?;
    let session = crate::ssr::browser_session(&state)?;
    let status = state.second_factors.status(&user, &session).await?;
    let totp = match status.totp {
        TotpState::Off => TotpView::Off,
        TotpState::On => TotpView::On,
        TotpState::Enrolling { secret, uri } => TotpView::Enrolling {
            secret: secret.to_string(),
            qr_svg: totp::qr_svg(&uri).ok_or(AppError(crate::error::Refusal::Internal))?,
        },
    };
    let passkeys = status
        .passkeys
        .into_iter()
        .map(|p| PasskeySummary {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        })
        .collect();
    Ok(SecurityOverview {
        totp,
        passkeys,
        passkey_origin: state.second_factors.passkey_origin(),
        recovery_codes_left: status.recovery_codes_left,
        fresh_recovery_codes: shown(state.second_factors.fresh_codes(&user.id, &session).await?),
    })
}

/// Starts setting up an authenticator app, once the password is confirmed.
#[server(prefix = "/api", endpoint = "begin_totp", output = crate::wire::TextJson)]
pub async fn begin_totp(password: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    let session = crate::ssr::browser_session(&state)?;
    state.second_factors.begin_totp(&user.id, &session).await?;
    crate::ssr::redirect_to(paths::SECURITY);
    Ok(())
}

/// A code from the app turns two-factor sign-in on: answers the recovery codes.
#[server(prefix = "/api", endpoint = "confirm_totp", output = crate::wire::TextJson)]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let session = crate::ssr::browser_session(&state)?;
    let codes = state
        .second_factors
        .confirm_totp(&user.id, &session, &code)
        .await?;
    let action = domain::activity::Action::TwoFactorTurnedOn;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_plain_form_post(paths::SECURITY_AFTER_CHANGE);
    Ok(shown(codes))
}

#[server(prefix = "/api", endpoint = "turn_off_totp", output = crate::wire::TextJson)]
pub async fn turn_off_totp(password: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    state.second_factors.turn_off(&user.id).await?;
    let action = domain::activity::Action::TwoFactorTurnedOff;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(paths::SECURITY_AFTER_CHANGE);
    Ok(())
}

/// The signed-in browsers of the user (Account → Sessions).
#[server(prefix = "/api", endpoint = "list_sessions", output = crate::wire::TextJson)]
pub async fn list_sessions() -> Result<Vec<SessionSummary>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let current =
        crate::ssr::session_secret(&state)?.ok_or(AppError(crate::error::Refusal::NotSignedIn))?;
    let sessions = state.sessions.list(&user.id, &current).await?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionSummary {
            handle: s.handle,
            user_agent: s.user_agent,
            client_address: s.client_address,
            signed_in_at: s.signed_in_at,
            last_seen_at: s.last_seen_at,
            factors: s.factors,
            current: s.current,
        })
        .collect())
}

/// Signs one of the user's browsers out.
#[server(prefix = "/api", endpoint = "end_session", output = crate::wire::TextJson)]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.sessions.end(&user.id, &handle).await?;
    tracing::info!(user_id = %user.id, "a session was ended from the Sessions page");
    let action = domain::activity::Action::SessionEndedElsewhere;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(crate::paths::SESSIONS);
    Ok(())
}

/// Signs out every browser of the user but this one.
#[server(prefix = "/api", endpoint = "end_other_sessions", output = crate::wire::TextJson)]
pub async fn end_other_sessions() -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let current =
        crate::ssr::session_secret(&state)?.ok_or(AppError(crate::error::Refusal::NotSignedIn))?;
    let ended = state.sessions.end_others(&user.id, &current).await?;
    tracing::info!(user_id = %user.id, ended, "other sessions ended");
    let action = domain::activity::Action::OtherSessionsEnded;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(crate::paths::SESSIONS);
    Ok(())
}

/// First half of adding a passkey, once the password is confirmed.
#[server(prefix = "/api", endpoint = "begin_passkey_registration", output = crate::wire::TextJson)]
pub async fn begin_passkey_registration(
    name: String,
    password: String,
) -> Result<PasskeyChallenge, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    let challenge = state
        .second_factors
        .begin_passkey_registration(&user, &name)
        .await?;
    Ok(challenge.into())
}

/// Second half: keeps the browser's new passkey. Answers the first
/// recovery codes when this is the account's first second factor.
#[server(prefix = "/api", endpoint = "finish_passkey_registration", output = crate::wire::TextJson)]
pub async fn finish_passkey_registration(
    ceremony: String,
    credential: String,
) -> Result<Vec<String>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let session = crate::ssr::browser_session(&state)?;
    let added = state
        .second_factors
        .finish_passkey_registration(&user.id, &session, &ceremony, &credential)
        .await;
    let outcome = if added.is_ok() {
        Outcome::Ok
    } else {
        Outcome::Failed
    };
    crate::ssr::record_account(
        &state,
        &user.id,
        domain::activity::Action::PasskeyAdded,
        outcome,
    )
    .await;
    let codes = added?;
    Ok(codes
        .map(|codes| codes.0.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default())
}

#[server(prefix = "/api", endpoint = "rename_passkey", output = crate::wire::TextJson)]
pub async fn rename_passkey(id: String, name: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state
        .second_factors
        .rename_passkey(&user.id, &id, &name)
        .await?;
    let action = domain::activity::Action::PasskeyRenamed;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(crate::paths::SECURITY);
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_passkey", output = crate::wire::TextJson)]
pub async fn remove_passkey(id: String, password: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    state.second_factors.remove_passkey(&user.id, &id).await?;
    let action = domain::activity::Action::PasskeyRemoved;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(crate::paths::SECURITY_AFTER_CHANGE);
    Ok(())
}

/// Recovery codes as the page shows them.
#[cfg(feature = "ssr")]
fn shown(codes: domain::accounts::second_factor::RecoveryCodes) -> Vec<String> {
    codes.0.iter().map(|c| c.to_string()).collect()
}

#[server(prefix = "/api", endpoint = "regenerate_recovery_codes", output = crate::wire::TextJson)]
pub async fn regenerate_recovery_codes(password: String) -> Result<Vec<String>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    let session = crate::ssr::browser_session(&state)?;
    let codes = state
        .second_factors
        .regenerate_codes(&user.id, &session)
        .await?;
    let action = domain::activity::Action::RecoveryCodesReplaced;
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_plain_form_post(paths::SECURITY_AFTER_CHANGE);
    Ok(shown(codes))
}
