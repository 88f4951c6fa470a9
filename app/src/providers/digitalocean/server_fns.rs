//! Connecting a DigitalOcean team: whether this instance can, and the
//! start of the OAuth flow (its end is `callback.rs`).

use leptos::prelude::*;

use crate::error::AppError;

/// Whether this instance can connect DigitalOcean teams (the operator
/// configured an OAuth app).
#[server(prefix = "/api", endpoint = "digitalocean_set_up", output = crate::wire::TextJson)]
pub async fn digitalocean_set_up() -> Result<bool, AppError> {
    let (_, state) = crate::ssr::user_and_state().await?;
    Ok(state.connections.digitalocean_is_set_up())
}

/// Starts the OAuth flow and sends the browser to DigitalOcean's consent
/// page. `reconnect` names a connection whose tokens the flow replaces.
#[server(prefix = "/api", endpoint = "start_digitalocean_connect", output = crate::wire::TextJson)]
pub async fn start_digitalocean_connect(
    label: String,
    reconnect: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let secret =
        crate::ssr::session_secret(&state)?.ok_or(AppError(crate::error::Refusal::NotSignedIn))?;
    let reconnect = reconnect
        .filter(|id| !id.is_empty())
        .map(model::ConnectionId::new);
    let url = state
        .connections
        .begin_digitalocean(&user.id, &secret, &label, reconnect.as_ref())
        .await?;
    leptos_axum::redirect(&url);
    Ok(())
}
