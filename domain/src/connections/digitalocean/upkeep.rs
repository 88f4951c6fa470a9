//! A connected team over time: checked again on demand, and disconnected
//! with its grant revoked at DigitalOcean.

use super::failure::api_failure;
use crate::connections::record::Connection;
use crate::connections::Connections;
use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::digitalocean::AccountStatus;
use model::{ConnectionId, UserId};

/// What disconnecting did at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disconnected {
    /// Nothing to revoke (a pasted token stays valid until its owner deletes it).
    Forgotten,
    /// The grant was revoked at the provider too.
    Revoked,
    /// The provider could not be told: the user should revoke Potions there.
    NotRevoked,
}

impl Connections {
    /// Reads the team's account with a working token (refreshing once if
    /// DigitalOcean refuses the current one) and puts the user's key back if
    /// it was removed.
    pub(crate) async fn recheck_digitalocean(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Connection, DomainError> {
        let client = &self.digitalocean_setup()?.client;
        let mut token = self.digitalocean_token(user_id, id).await?;
        let account = match client.account(&token).await {
            Ok(answer) => answer.value,
            Err(err)
                if matches!(
                    api_failure(&err),
                    DomainError::Refused(Refusal::TokenRejected)
                ) =>
            {
                token = self.refresh_digitalocean(user_id, id).await?;
                client
                    .account(&token)
                    .await
                    .map_err(|err| api_failure(&err))?
                    .value
            }
            Err(err) => return Err(api_failure(&err)),
        };
        if account.status == AccountStatus::Locked {
            return Err(DomainError::Refused(Refusal::DigitalOceanAccountLocked));
        }
        let key = self.user_key(user_id).await?;
        let ssh_key_id = self.ensure_team_key(&token, &key).await?;
        self.mark_verified(user_id, id, ssh_key_id).await?;
        self.get(user_id, id).await
    }

    /// Revokes the grant (within the client's deadline), then forgets the
    /// connection whatever DigitalOcean said.
    pub(crate) async fn disconnect_digitalocean(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Disconnected, DomainError> {
        let revoked = match self.tokens(user_id, id).await {
            Ok(tokens) if self.revoke_tokens(user_id, id, &tokens).await => Disconnected::Revoked,
            _ => Disconnected::NotRevoked,
        };
        self.delete(user_id, id).await?;
        tracing::info!(
            %user_id,
            connection_id = %id,
            ?revoked,
            "digitalocean team disconnected"
        );
        Ok(revoked)
    }
}
