//! A DigitalOcean connection's tokens: sealed, stored with the connection
//! in one transaction, and opened for use. Refreshing them is `refresh.rs`.

use super::flow::{Connected, GrantedTeam};
use super::PROVIDER_DIGITALOCEAN;
use crate::clock::now_unix;
use crate::connections::record::{normalize_label, ConnectionStatus, MAX_LABEL_CHARS};
use crate::connections::user_key::UserKey;
use crate::connections::Connections;
use crate::crypto::{Binding, Purpose, Sealed};
use crate::db::new_id;
use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::digitalocean::{AccessToken, RefreshToken, TokenGrant};
use model::{ConnectionId, UserId};

pub(super) fn binding<'a>(
    user_id: &'a UserId,
    id: &'a ConnectionId,
    purpose: Purpose,
) -> Binding<'a> {
    Binding {
        owner_id: user_id.as_str(),
        row_id: id.as_str(),
        purpose,
    }
}

/// The sealed pair of a grant, bound to its row.
pub(super) struct SealedPair {
    access: Sealed,
    refresh: Sealed,
    hmac: String,
    expires_at: i64,
}

/// Where an UPDATE puts a sealed pair: `$1` to `$8`, in [`SealedPair::bind_to`]'s order.
pub(super) const PAIR_COLUMNS: &str =
    "token_hmac = $1, token_key_id = $2, token_nonce = $3, token_ciphertext = $4, \
     refresh_key_id = $5, refresh_nonce = $6, refresh_ciphertext = $7, token_expires_at = $8";

pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl SealedPair {
    pub(super) fn bind_to<'q>(&'q self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        query
            .bind(&self.hmac)
            .bind(&self.access.key_id)
            .bind(&self.access.nonce)
            .bind(&self.access.ciphertext)
            .bind(&self.refresh.key_id)
            .bind(&self.refresh.nonce)
            .bind(&self.refresh.ciphertext)
            .bind(self.expires_at)
    }
}

type TokenRow = (
    String,
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

/// What a refresh needs to know of a row.
pub(super) struct Tokens {
    pub(super) status: ConnectionStatus,
    pub(super) version: i64,
    pub(super) expires_at: Option<i64>,
    pub(super) access: Sealed,
    pub(super) refresh: Option<Sealed>,
    /// A refresh was sent and its answer never came.
    pub(super) refresh_outcome_unknown: bool,
}

impl Connections {
    pub(super) fn seal_pair(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        grant: &TokenGrant,
    ) -> Result<SealedPair, DomainError> {
        let access = grant.access_token.expose_secret();
        Ok(SealedPair {
            access: self.keyring.seal(
                access.as_bytes(),
                binding(user_id, id, Purpose::DigitalOceanAccessToken),
            )?,
            refresh: self.keyring.seal(
                grant.refresh_token.expose_secret().as_bytes(),
                binding(user_id, id, Purpose::DigitalOceanRefreshToken),
            )?,
            hmac: self.keyring.token_fingerprint(access),
            expires_at: now_unix()
                + i64::try_from(grant.expires_in.as_secs()).unwrap_or(i64::MAX / 2),
        })
    }

    /// Stores a granted team: a new connection, or the tokens of the one
    /// this user already has for the team (or is reconnecting) replaced in
    /// place. `None` when a concurrent request stored first: try again.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn store_grant(
        &self,
        user_id: &UserId,
        label: &str,
        reconnect_id: Option<&ConnectionId>,
        grant: &TokenGrant,
        team: &GrantedTeam,
        key: &UserKey,
        ssh_key_id: i64,
    ) -> Result<Option<Connected>, DomainError> {
        let mut tx = self.db.pool().begin().await?;
        if !self.save_user_key(&mut tx, user_id, key).await? {
            tx.rollback().await?;
            return Ok(None);
        }
        let existing: Option<(ConnectionId, Option<String>, Option<String>)> = match reconnect_id {
            Some(id) => sqlx::query_as(
                "SELECT id, team_uuid, team_name FROM connections WHERE user_id = $1 AND id = $2 AND provider = $3",
            )
            .bind(user_id)
            .bind(id)
            .bind(PROVIDER_DIGITALOCEAN)
            .fetch_optional(&mut *tx)
            .await?
            .map(Some)
            .ok_or(DomainError::Refused(Refusal::ConnectionNotFound))?,
            None => sqlx::query_as(
                "SELECT id, team_uuid, team_name FROM connections \
                 WHERE user_id = $1 AND provider = $2 AND team_uuid = $3",
            )
            .bind(user_id)
            .bind(PROVIDER_DIGITALOCEAN)
            .bind(&team.uuid)
            .fetch_optional(&mut *tx)
            .await?,
        };
        let now = now_unix();
        // The pair a Reconnect replaces, revoked once the new one is stored.
        let mut superseded = None;
        let (id, replaced) = match existing {
            Some((id, stored_team, stored_name)) => {
                if stored_team.as_deref() != Some(team.uuid.as_str()) {
                    tx.rollback().await?;
                    return Err(DomainError::Refused(Refusal::ReconnectOtherTeam(
                        stored_name.unwrap_or_default(),
                    )));
                }
                superseded = self.tokens(user_id, &id).await.ok();
                let pair = self.seal_pair(user_id, &id, grant)?;
                pair.bind_to(sqlx::query(&format!(
                    "UPDATE connections SET {PAIR_COLUMNS}, team_name = $9, account_email = $10, \
                     ssh_key_id = $11, status = $12, last_verified_at = $13, \
                     token_version = token_version + 1, refresh_claimed_until = NULL, \
                     refresh_outcome_unknown = 0, \
                     label = CASE WHEN $14 = '' THEN label ELSE $14 END WHERE user_id = $15 AND id = $16",
                )))
                .bind(&team.name)
                .bind(&team.email)
                .bind(ssh_key_id)
                .bind(ConnectionStatus::Connected.stored_name())
                .bind(now)
                .bind(label)
                .bind(user_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                (id, true)
            }
            None => {
                let id = ConnectionId::new(new_id());
                let pair = self.seal_pair(user_id, &id, grant)?;
                let team_label: String = team.name.chars().take(MAX_LABEL_CHARS).collect();
                let label = if label.is_empty() {
                    normalize_label(&team_label)?
                } else {
                    label.to_string()
                };
                let inserted = sqlx::query(
                    "INSERT INTO connections (id, user_id, provider, label, token_hmac, token_key_id, token_nonce, \
                     token_ciphertext, refresh_key_id, refresh_nonce, refresh_ciphertext, token_expires_at, \
                     team_uuid, team_name, account_email, ssh_key_id, status, connected_at, last_verified_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
                )
                .bind(&id)
                .bind(user_id)
                .bind(PROVIDER_DIGITALOCEAN)
                .bind(&label)
                .bind(&pair.hmac)
                .bind(&pair.access.key_id)
                .bind(&pair.access.nonce)
                .bind(&pair.access.ciphertext)
                .bind(&pair.refresh.key_id)
                .bind(&pair.refresh.nonce)
                .bind(&pair.refresh.ciphertext)
                .bind(pair.expires_at)
                .bind(&team.uuid)
                .bind(&team.name)
                .bind(&team.email)
                .bind(ssh_key_id)
                .bind(ConnectionStatus::Connected.stored_name())
                .bind(now)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => (id, false),
                    // The same team stored by a concurrent callback: replace its tokens instead.
                    Err(err) if DomainError::is_unique_violation(&err) => {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                    Err(err) => return Err(err.into()),
                }
            }
        };
        tx.commit().await?;
        if let Some(old) = superseded {
            self.revoke_tokens(user_id, &id, &old).await;
        }
        Ok(Some(Connected {
            connection: self.get(user_id, &id).await?,
            replaced,
        }))
    }

    pub(super) async fn tokens(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Tokens, DomainError> {
        let row: Option<TokenRow> = sqlx::query_as(
            "SELECT status, token_version, token_expires_at, token_key_id, token_nonce, token_ciphertext, \
             refresh_key_id, refresh_nonce, refresh_ciphertext, refresh_outcome_unknown FROM connections \
             WHERE user_id = $1 AND id = $2 AND provider = $3",
        )
        .bind(user_id)
        .bind(id)
        .bind(PROVIDER_DIGITALOCEAN)
        .fetch_optional(self.db.pool())
        .await?;
        let (
            status,
            version,
            expires_at,
            key_id,
            nonce,
            ciphertext,
            r_key,
            r_nonce,
            r_cipher,
            unknown,
        ) = row.ok_or(DomainError::Refused(Refusal::ConnectionNotFound))?;
        let refresh = match (r_key, r_nonce, r_cipher) {
            (Some(key_id), Some(nonce), Some(ciphertext)) => Some(Sealed {
                key_id,
                nonce,
                ciphertext,
            }),
            _ => None,
        };
        Ok(Tokens {
            status: ConnectionStatus::from(status),
            version,
            expires_at,
            access: Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            refresh,
            refresh_outcome_unknown: unknown != 0,
        })
    }

    pub(super) fn open_text(
        &self,
        sealed: &Sealed,
        binding: Binding<'_>,
    ) -> Result<String, DomainError> {
        let plain = self.keyring.open(sealed, binding)?;
        String::from_utf8(plain.to_vec()).map_err(|_| crate::crypto::CryptoError::Decrypt.into())
    }

    /// The stored access token as it is, expired or not.
    pub(super) async fn current_access_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<AccessToken, DomainError> {
        let row = self.tokens(user_id, id).await?;
        self.open_access(user_id, id, &row)
    }

    /// The row's access token, opened.
    pub(super) fn open_access(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        tokens: &Tokens,
    ) -> Result<AccessToken, DomainError> {
        let text = self.open_text(
            &tokens.access,
            binding(user_id, id, Purpose::DigitalOceanAccessToken),
        )?;
        Ok(AccessToken::new(text))
    }

    /// The row's refresh token, opened, if it has one.
    pub(super) fn open_refresh(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        tokens: &Tokens,
    ) -> Result<Option<RefreshToken>, DomainError> {
        tokens
            .refresh
            .as_ref()
            .map(|sealed| {
                let purpose = Purpose::DigitalOceanRefreshToken;
                let text = self.open_text(sealed, binding(user_id, id, purpose))?;
                Ok(RefreshToken::new(text))
            })
            .transpose()
    }

    /// Revokes a stored pair at DigitalOcean (its refresh token too, which
    /// ends the grant); false when DigitalOcean could not be told.
    pub(super) async fn revoke_tokens(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        tokens: &Tokens,
    ) -> bool {
        let opened = self.digitalocean_setup().and_then(|setup| {
            let access = self.open_access(user_id, id, tokens)?;
            Ok((setup, access, self.open_refresh(user_id, id, tokens)?))
        });
        let revoked = match opened {
            Ok((setup, access, refresh)) => {
                setup.client.revoke_grant(&access, refresh.as_ref()).await
            }
            Err(err) => {
                tracing::warn!(connection_id = %id, error = %err, "could not open tokens to revoke");
                return false;
            }
        };
        if let Err(err) = &revoked {
            tracing::warn!(connection_id = %id, error = %err, "could not revoke at DigitalOcean");
        }
        revoked.is_ok()
    }
}
