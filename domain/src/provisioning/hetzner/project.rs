//! Provisioning in a Hetzner Cloud project, through its API token.

use crate::error::Refusal;
use model::UserId;

use crate::clock::parse_rfc3339;
use crate::connections::hetzner::provisioning_failure;
use crate::connections::{Connection, ConnectionStatus};
use crate::error::DomainError;
use crate::providers::hetzner::{self, ApiToken, HetznerError};
use crate::provisioning::{Changed, Provisioning, Refused, SshKey};

/// A project opened with its token.
pub(in crate::provisioning) struct HetznerProject<'a> {
    pub(super) provisioning: &'a Provisioning,
    pub(super) user_id: &'a UserId,
    pub(in crate::provisioning) connection: Connection,
    pub(super) token: ApiToken,
}

impl<'a> HetznerProject<'a> {
    /// A token Hetzner rejected stops every call until it is replaced or
    /// passes a re-check.
    pub(in crate::provisioning) async fn open(
        provisioning: &'a Provisioning,
        user_id: &'a UserId,
        connection: Connection,
    ) -> Result<Self, DomainError> {
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::Refused(Refusal::HetznerNeedsAttention));
        }
        let token = provisioning
            .connections
            .token(user_id, &connection.id)
            .await?;
        Ok(Self {
            provisioning,
            user_id,
            connection,
            token,
        })
    }

    pub(super) fn client(&self) -> &hetzner::HetznerClient {
        self.provisioning.connections.hetzner()
    }

    /// Starts a server action (power, or a setting); answers the action to
    /// follow.
    pub(super) async fn change_setting(
        &self,
        server_id: model::ServerId,
        command: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let started = self
            .client()
            .server_action(&self.token, server_id.get(), command, body)
            .await;
        match started {
            Ok(answer) => Ok(Changed::new(vec![answer.value.id], answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }

    /// Turns a Hetzner failure into the user's terms, noting a rejected token.
    pub(super) async fn fail(&self, err: HetznerError) -> DomainError {
        let id = &self.connection.id;
        let _ = self
            .provisioning
            .connections
            .note_failure(self.user_id, id, &self.token, &err)
            .await;
        let failure = provisioning_failure(&err);
        if matches!(failure, DomainError::Refused(Refusal::HetznerUnreachable)) {
            tracing::warn!(connection_id = %id, error = %err, "hetzner call failed");
        }
        failure
    }

    /// A change Hetzner refused or never answered, with its correlation id.
    pub(super) async fn refuse(&self, err: HetznerError) -> Refused {
        let correlation_id = err.correlation_id.clone();
        Refused::by_provider(self.fail(err).await, correlation_id)
    }

    pub(super) fn key_info(&self, key: hetzner::SshKey) -> SshKey {
        SshKey {
            is_potions_key: key.id == self.connection.ssh_key_id,
            created_at: parse_rfc3339(&key.created),
            id: key.id,
            name: key.name,
            fingerprint: key.fingerprint,
        }
    }
}
