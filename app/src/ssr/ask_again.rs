//! Asking again before a step that destroys or takes a safety net away: the
//! proof the user gave with the form, checked before anything is sent.

use domain::accounts::User;
use model::AskAgain;

use crate::error::{AppError, Refusal};
use crate::ssr::AppState;

/// What the form of such a step asks for in this session now.
pub async fn asked_again_for(state: &AppState, user: &User) -> Result<AskAgain, AppError> {
    let session = crate::ssr::browser_session(state)?;
    Ok(state.second_factors.ask_again(&user.id, &session).await?)
}

/// Checks what the form gave: an authenticator or recovery code, or the
/// password, as [`asked_again_for`] says; nothing within five minutes of
/// the session's last authenticator check.
async fn ask_again(
    state: &AppState,
    user: &User,
    password: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    let session = crate::ssr::browser_session(state)?;
    match state.second_factors.ask_again(&user.id, &session).await? {
        AskAgain::Recent => {}
        AskAgain::Code => {
            let code = code.unwrap_or_default();
            state
                .second_factors
                .check_again(&user.id, &session, &code)
                .await?;
        }
        AskAgain::Password => {
            let password = password.unwrap_or_default();
            state.accounts.confirm_password(user, &password).await?;
        }
    }
    Ok(())
}

/// A destructive step's confirmation: `typed` must be the server's name,
/// then the proof is checked (so a mistyped name uses up no code).
pub async fn confirm_destructive(
    state: &AppState,
    user: &User,
    server_name: &str,
    typed: Option<&str>,
    password: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    if typed.unwrap_or_default().trim() != server_name {
        return Err(AppError(Refusal::ConfirmationMismatch));
    }
    ask_again(state, user, password, code).await
}
