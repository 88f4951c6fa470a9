//! Provisioning in a connected project: servers, SSH keys and the catalogue
//! that the create form offers, all through the connection's token. Every
//! call first checks that the connection may be used, and every Hetzner
//! failure is recorded and turned into the user's terms in one place.

mod catalogue;
mod servers;
mod ssh_keys;

pub use catalogue::Catalogue;
pub use servers::NewServer;
pub use ssh_keys::AddedKey;

use std::time::Duration;

use crate::connections::{Connection, ConnectionStatus, Connections};
use crate::error::DomainError;
use crate::hetzner::{ApiToken, HetznerError};
use crate::provider_failure::provisioning_failure;

/// Catalogue data changes rarely: reuse it this long per project.
const CATALOGUE_TTL: Duration = Duration::from_secs(300);
/// Catalogues kept at most (one per connection).
const CATALOGUE_CAPACITY: u64 = 10_000;

#[derive(Clone, Debug)]
pub struct Provisioning {
    connections: Connections,
    catalogues: moka::sync::Cache<String, Catalogue>,
}

impl Provisioning {
    pub fn new(connections: Connections) -> Self {
        Self {
            connections,
            catalogues: moka::sync::Cache::builder()
                .max_capacity(CATALOGUE_CAPACITY)
                .time_to_live(CATALOGUE_TTL)
                .build(),
        }
    }

    /// The connection and its token, if provisioning may use it now. A token
    /// Hetzner rejected stops every call until it is replaced or passes a re-check.
    async fn open(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<(Connection, ApiToken), DomainError> {
        let connection = self.connections.get(user_id, connection_id).await?;
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::NeedsAttention);
        }
        let token = self.connections.token(user_id, connection_id).await?;
        Ok((connection, token))
    }

    /// Turns a Hetzner failure into the user's terms, noting a rejected token.
    async fn fail(&self, user_id: &str, connection_id: &str, err: HetznerError) -> DomainError {
        let _ = self
            .connections
            .note_failure(user_id, connection_id, &err)
            .await;
        let failure = provisioning_failure(&err);
        if matches!(failure, DomainError::HetznerUnreachable) {
            tracing::warn!(connection_id, error = %err, "hetzner call failed");
        }
        failure
    }
}
