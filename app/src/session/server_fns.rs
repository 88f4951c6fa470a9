//! The signed-in user, for the browser.

use leptos::prelude::*;

use super::SignedInUser;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "current_user", output = crate::wire::TextJson)]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    Ok(crate::ssr::current_user(&crate::ssr::state()?)
        .await?
        .map(|user| SignedInUser { email: user.email }))
}
