//! Listing, re-checking, renaming and disconnecting connections.

use leptos::prelude::*;

use super::{ConnectionSummary, DashboardData};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod convert {
    use super::ConnectionSummary;
    use crate::connections::ServerCount;
    use crate::error::AppError;
    use crate::providers::Provider;
    use domain::clock::now_unix;
    use domain::connections::{Connection, Counted};

    pub fn provider(stored: &str) -> Result<Provider, AppError> {
        Provider::from_stored_name(stored).ok_or_else(|| {
            tracing::error!(provider = stored, "connection of an unknown provider");
            AppError(crate::error::Refusal::Internal)
        })
    }

    pub fn summary(c: Connection, counted: Option<Counted>) -> Result<ConnectionSummary, AppError> {
        let server_count = counted.map(|counted| ServerCount {
            servers: counted.servers,
            age_secs: (now_unix() - counted.counted_at).max(0),
        });
        Ok(ConnectionSummary {
            provider: provider(&c.provider)?,
            status: c.status,
            id: c.id.to_string(),
            label: c.label,
            team: c.team_name,
            connected_at: c.connected_at,
            last_verified_at: c.last_verified_at,
            server_count,
        })
    }
}
#[cfg(feature = "ssr")]
pub(crate) use convert::provider as provider_of;

/// The user's connections, without server counts (Account, Disconnect).
#[server(prefix = "/api", endpoint = "list_connections", output = crate::wire::TextJson)]
pub async fn list_connections() -> Result<Vec<ConnectionSummary>, AppError> {
    let (signed_in, _) = crate::ssr::signed_in_and_state().await?;
    signed_in
        .connections
        .iter()
        .map(|c| convert::summary(c.clone(), None))
        .collect()
}

/// The user's connections with each project's server count, and whether
/// DigitalOcean is offered (Dashboard).
#[server(prefix = "/api", endpoint = "load_dashboard", output = crate::wire::TextJson)]
pub async fn load_dashboard() -> Result<DashboardData, AppError> {
    let (signed_in, state) = crate::ssr::signed_in_and_state().await?;
    let counted = state
        .connections
        .with_server_counts(&signed_in.user.id, signed_in.connections.clone())
        .await;
    Ok(DashboardData {
        projects: counted
            .into_iter()
            .map(|(c, count)| convert::summary(c, count))
            .collect::<Result<_, _>>()?,
        digitalocean_set_up: state.connections.digitalocean_is_set_up(),
    })
}

#[server(prefix = "/api", endpoint = "recheck_connection", output = crate::wire::TextJson)]
pub async fn recheck_connection(id: String) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    use domain::activity::{Entry, Outcome};
    let (user, state) = crate::ssr::user_and_state().await?;
    let label = state.connections.get(&user.id, &id).await?.label;
    let checked = state.connections.recheck(&user.id, &id).await;
    let outcome = if checked.is_ok() {
        Outcome::Ok
    } else {
        Outcome::Failed
    };
    let entry = Entry::new(domain::activity::Action::Rechecked, outcome).on(&id, &label);
    crate::ssr::record(&state, &user.id, entry).await;
    checked?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "rename_connection", output = crate::wire::TextJson)]
pub async fn rename_connection(id: String, label: String) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    use domain::activity::{Entry, Outcome};
    let (user, state) = crate::ssr::user_and_state().await?;
    let renamed = state.connections.rename(&user.id, &id, &label).await?;
    let entry = Entry::new(domain::activity::Action::ConnectionRenamed, Outcome::Ok)
        .on(&id, &renamed.label);
    crate::ssr::record(&state, &user.id, entry).await;
    Ok(())
}

/// Forgets the connection and its sealed tokens (revoking a DigitalOcean
/// grant first); the Account page says if the user must revoke by hand.
#[server(prefix = "/api", endpoint = "disconnect_connection", output = crate::wire::TextJson)]
pub async fn disconnect_connection(id: String) -> Result<(), AppError> {
    let id = model::ConnectionId::new(id);
    use domain::activity::{Entry, Outcome};
    use domain::connections::digitalocean::Disconnected;
    let (user, state) = crate::ssr::user_and_state().await?;
    let label = state.connections.get(&user.id, &id).await?.label;
    let done = state.connections.disconnect(&user.id, &id).await?;
    let entry = Entry::new(domain::activity::Action::Disconnected, Outcome::Ok).on(&id, &label);
    crate::ssr::record(&state, &user.id, entry).await;
    crate::ssr::redirect_to(match done {
        Disconnected::NotRevoked => "/account?disconnected=1&revoke=digitalocean",
        Disconnected::Forgotten | Disconnected::Revoked => "/account?disconnected=1",
    });
    Ok(())
}
