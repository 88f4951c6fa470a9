//! Connecting a Hetzner project with its API token, and replacing the token
//! of one whose token Hetzner rejected.

use leptos::prelude::*;

use crate::error::AppError;

/// Validates the token with Hetzner and stores it; then to the Dashboard.
#[server(prefix = "/api", endpoint = "connect_hetzner", output = crate::wire::TextJson)]
pub async fn connect_hetzner(label: String, token: String) -> Result<(), AppError> {
    // The pasted token is zeroed when this function ends, whatever the outcome.
    let token = zeroize::Zeroizing::new(token);
    let (user, state) = crate::ssr::user_and_state().await?;
    let request = crate::ssr::request_info();
    let connection = state
        .connections
        .connect(&user.id, &label, &token, &request)
        .await?;
    crate::ssr::redirect_to(&crate::paths::connected(connection.id.as_str(), false));
    Ok(())
}

/// Replaces the token after the same checks as connecting; nothing changes
/// unless they pass.
#[server(prefix = "/api", endpoint = "replace_token", output = crate::wire::TextJson)]
pub async fn replace_token(id: String, token: String) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    let token = zeroize::Zeroizing::new(token);
    let (user, state) = crate::ssr::user_and_state().await?;
    let connection = state
        .connections
        .replace_token(&user.id, &id, &token)
        .await?;
    let entry = domain::activity::Entry::new(
        domain::activity::Action::TokenReplaced,
        domain::activity::Outcome::Ok,
    )
    .on(&connection.id, &connection.label);
    crate::ssr::record(&state, &user.id, entry).await;
    crate::ssr::redirect_to(&crate::paths::project(id.as_str()));
    Ok(())
}
