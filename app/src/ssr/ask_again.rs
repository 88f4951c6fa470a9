//! Asking again before a step that destroys or takes a safety net away: the
//! proof the user gave with the form, checked before anything is sent.

use domain::accounts::User;

use crate::error::AppError;
use crate::ssr::AppState;

/// Checks the password given again with a destructive step's form.
pub async fn ask_again(
    state: &AppState,
    user: &User,
    password: Option<String>,
) -> Result<(), AppError> {
    let password = password.unwrap_or_default();
    state.accounts.confirm_password(user, &password).await?;
    Ok(())
}
