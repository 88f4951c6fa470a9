//! Provisioning in a DigitalOcean team, through its OAuth access token
//! (refreshed once when DigitalOcean refuses it).

use crate::error::Refusal;
use model::UserId;
use std::future::Future;

use crate::connections::digitalocean::{api_failure, DigitalOceanSetup};
use crate::connections::{Connection, ConnectionStatus};
use crate::error::DomainError;
use crate::providers::digitalocean::{self, AccessToken, Answer, DigitalOceanError, ErrorKind};
use crate::provisioning::{Changed, Provisioning, Refused, SshKey};

/// Actions followed at most per poll: each costs one request.
pub(super) const MAX_FOLLOWED_ACTIONS: usize = 3;

/// A team opened for provisioning.
pub(in crate::provisioning) struct DigitalOceanTeam<'a> {
    pub(super) provisioning: &'a Provisioning,
    pub(super) user_id: &'a UserId,
    pub(in crate::provisioning) connection: Connection,
    pub(super) setup: &'a DigitalOceanSetup,
}

/// A change DigitalOcean refused, with the request id of its answer.
pub(super) fn refused(err: &DigitalOceanError) -> Refused {
    Refused::by_provider(provisioning_failure(err), err.request_id.clone())
}

/// What a failed provisioning call means to the user.
pub(super) fn provisioning_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::NotFound => DomainError::Refused(Refusal::ServerNotFound),
        ErrorKind::Unprocessable { message } | ErrorKind::BadRequest { message } => {
            DomainError::Refused(Refusal::DigitalOceanRefused(message.clone()))
        }
        // A scope the team's grant predates (incremental consent).
        ErrorKind::Forbidden => DomainError::Refused(Refusal::DigitalOceanNeedsMoreAccess),
        // Refused right after a refresh: not the user's to fix.
        ErrorKind::Unauthorized => {
            tracing::warn!(error = %err, "digitalocean refused a fresh token");
            DomainError::Refused(Refusal::DigitalOceanUnreachable)
        }
        _ => api_failure(err),
    }
}

impl<'a> DigitalOceanTeam<'a> {
    /// Access DigitalOcean refused stops every call until the team is reconnected.
    pub(in crate::provisioning) fn open(
        provisioning: &'a Provisioning,
        user_id: &'a UserId,
        connection: Connection,
    ) -> Result<Self, DomainError> {
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
        }
        Ok(Self {
            setup: provisioning.connections.digitalocean_setup()?,
            provisioning,
            user_id,
            connection,
        })
    }

    /// DigitalOcean's answer to `call`, with its request id; a failure
    /// reads as `fail` says.
    pub(super) async fn call<T, E, F, Fut>(
        &self,
        call: F,
        fail: fn(&DigitalOceanError) -> E,
    ) -> Result<Answer<T>, E>
    where
        E: From<DomainError>,
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        self.provisioning
            .connections
            .with_digitalocean_token(self.user_id, &self.connection.id, call, fail)
            .await
    }

    /// What `call` read.
    pub(super) async fn read<T, F, Fut>(&self, call: F) -> Result<T, DomainError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<Answer<T>, DigitalOceanError>>,
    {
        self.call(call, provisioning_failure)
            .await
            .map(|answer| answer.value)
    }

    /// Starts a droplet action; answers its id to follow.
    pub(super) async fn droplet_action(
        &self,
        server_id: model::ServerId,
        body: serde_json::Value,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let (client, body) = (self.client(), &body);
        self.call(
            |token| async move { client.droplet_action(&token, server_id.get(), body).await },
            refused,
        )
        .await
        .map(|answer| Changed::new(vec![answer.value.id], answer.request_id))
    }

    pub(super) fn client(&self) -> &'a digitalocean::DigitalOceanClient {
        &self.setup.client
    }

    pub(super) fn key_info(&self, key: digitalocean::SshKey) -> SshKey {
        SshKey {
            is_potions_key: key.id == self.connection.ssh_key_id,
            created_at: None,
            id: key.id,
            name: key.name,
            fingerprint: key.fingerprint,
        }
    }
}
