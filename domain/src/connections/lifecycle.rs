//! What users do with a connection: connect, re-check, replace its token,
//! rename, disconnect; and the decrypted token for provisioning.

use crate::error::Refusal;
use model::{ConnectionId, UserId};
use zeroize::Zeroizing;

use super::digitalocean::{Disconnected, PROVIDER_DIGITALOCEAN};
use super::record::{normalize_label, Connection};
use super::store::{FailedToken, NewToken};
use super::{Connections, PROVIDER_HETZNER};
use crate::activity::RequestInfo;
use crate::connections::hetzner::token_check_failure;
use crate::crypto::{Binding, CryptoError, Purpose};
use crate::error::DomainError;
use crate::providers::hetzner::{ApiToken, ErrorKind, HetznerError};

fn parse_token(raw: &str) -> Result<ApiToken, DomainError> {
    ApiToken::parse(raw).map_err(|_| DomainError::Refused(Refusal::MalformedToken))
}

impl Connections {
    /// Checks and stores a Hetzner project's token, with its entry in the
    /// activity log (one commit: both or neither). Nothing is written unless
    /// every check passed.
    pub async fn connect(
        &self,
        user_id: &UserId,
        label: &str,
        raw_token: &str,
        request: &RequestInfo,
    ) -> Result<Connection, DomainError> {
        let token = parse_token(raw_token)?;
        let label = normalize_label(label)?;
        let hmac = self.keyring.token_fingerprint(token.expose_secret());
        if let Some(label) = self.label_for_hmac(user_id, &hmac).await? {
            return Err(DomainError::Refused(Refusal::AlreadyConnected(label)));
        }
        let (counted, key) = futures::join!(
            self.count_token_check(user_id, &hmac),
            self.user_key(user_id)
        );
        counted?;
        let mut key = key?;
        // Twice at most: if a concurrent connect stored a different key pair
        // for this user first, check again with the stored one.
        for _ in 0..2 {
            let checked = self.check_token(&token, &key).await?;
            let new_token = NewToken {
                token: &token,
                hmac: &hmac,
            };
            if let Some(connection) = self
                .insert(
                    user_id,
                    &label,
                    new_token,
                    &key,
                    checked.ssh_key_id,
                    request,
                )
                .await?
            {
                self.counts
                    .remember(&connection, checked.server_count)
                    .await;
                tracing::info!(%user_id, connection_id = %connection.id, "hetzner project connected");
                return Ok(connection);
            }
            key = self.user_key(user_id).await?;
        }
        Err(DomainError::Refused(Refusal::HetznerUnreachable))
    }

    /// The decrypted token of one of the user's connections.
    pub async fn token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<ApiToken, DomainError> {
        let sealed = self.sealed_token(user_id, id).await?;
        let binding = Binding {
            owner_id: user_id.as_str(),
            row_id: id.as_str(),
            purpose: Purpose::HetznerToken,
        };
        let plain = self.keyring.open(&sealed, binding)?;
        let text =
            Zeroizing::new(String::from_utf8(plain.to_vec()).map_err(|_| CryptoError::Decrypt)?);
        ApiToken::parse(&text).map_err(|_| DomainError::Crypto(CryptoError::Decrypt))
    }

    /// Records what a Hetzner answer says about the token: `unauthorized`
    /// means it no longer works, and the connection needs attention.
    pub async fn note_failure(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        token: &ApiToken,
        err: &HetznerError,
    ) -> Result<(), DomainError> {
        if err.kind == ErrorKind::Unauthorized {
            tracing::warn!(
                connection_id = %id,
                "token rejected by Hetzner: connection needs attention"
            );
            let fingerprint = self.keyring.token_fingerprint(token.expose_secret());
            self.mark_needs_attention(user_id, id, FailedToken::Fingerprint(&fingerprint))
                .await?;
        }
        Ok(())
    }

    /// Checks a connection's token again now.
    pub async fn recheck(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Connection, DomainError> {
        if self.get(user_id, id).await?.provider == PROVIDER_DIGITALOCEAN {
            // Counted like a token check: per user, and per team connection
            // (its tokens change at each refresh, its id does not).
            let team = self
                .keyring
                .token_fingerprint(&format!("digitalocean-connection:{id}"));
            self.count_token_check(user_id, &team).await?;
            return self.recheck_digitalocean(user_id, id).await;
        }
        let token = self.token(user_id, id).await?;
        let fingerprint = self.keyring.token_fingerprint(token.expose_secret());
        self.count_token_check(user_id, &fingerprint).await?;
        let key = self.user_key(user_id).await?;
        match self.check_token(&token, &key).await {
            Ok(checked) => {
                self.mark_verified(user_id, id, checked.ssh_key_id).await?;
                let connection = self.get(user_id, id).await?;
                self.counts
                    .remember(&connection, checked.server_count)
                    .await;
                Ok(connection)
            }
            Err(DomainError::Refused(Refusal::TokenRejected)) => {
                self.mark_needs_attention(user_id, id, FailedToken::Fingerprint(&fingerprint))
                    .await?;
                Err(DomainError::Refused(Refusal::TokenRejected))
            }
            Err(err) => Err(err),
        }
    }

    /// Uploads the user's key to the project again (it was deleted there)
    /// and remembers its new id.
    pub async fn restore_project_key(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        token: &ApiToken,
    ) -> Result<i64, DomainError> {
        let key = self.user_key(user_id).await?;
        let key_id = self
            .ensure_project_key(token, &key)
            .await
            .map_err(|err| token_check_failure([&err]))?;
        self.set_ssh_key_id(user_id, id, key_id).await?;
        Ok(key_id)
    }

    /// Replaces a connection's token (after the old one stopped working),
    /// with the same checks as connecting. Nothing changes unless they pass.
    pub async fn replace_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        raw_token: &str,
    ) -> Result<Connection, DomainError> {
        let token = parse_token(raw_token)?;
        if self.get(user_id, id).await?.provider != PROVIDER_HETZNER {
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        let key = self.user_key(user_id).await?;
        if key.unsaved.is_some() {
            // Every connection stored the user's key; none means a broken row.
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        let hmac = self.keyring.token_fingerprint(token.expose_secret());
        self.count_token_check(user_id, &hmac).await?;
        let checked = self.check_token(&token, &key).await?;
        let new_token = NewToken {
            token: &token,
            hmac: &hmac,
        };
        self.update_token(user_id, id, new_token, checked.ssh_key_id)
            .await?;
        let connection = self.get(user_id, id).await?;
        self.counts
            .remember(&connection, checked.server_count)
            .await;
        tracing::info!(%user_id, connection_id = %id, "token replaced");
        Ok(connection)
    }

    pub async fn rename(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        label: &str,
    ) -> Result<Connection, DomainError> {
        let label = normalize_label(label)?;
        self.set_label(user_id, id, &label).await?;
        self.get(user_id, id).await
    }

    /// Forgets a connection and its sealed tokens. A Hetzner token is not
    /// Potions' to delete; a DigitalOcean grant is revoked first.
    pub async fn disconnect(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Disconnected, DomainError> {
        if self.get(user_id, id).await?.provider == PROVIDER_DIGITALOCEAN {
            return self.disconnect_digitalocean(user_id, id).await;
        }
        self.delete(user_id, id).await?;
        tracing::info!(%user_id, connection_id = %id, "connection removed");
        Ok(Disconnected::Forgotten)
    }
}
