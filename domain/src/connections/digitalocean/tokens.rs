//! A DigitalOcean connection's tokens: stored with the connection in one
//! transaction, opened for use, and refreshed before they expire by one
//! instance at a time. A refresh token works once, so an instance first
//! claims the row (a compare-and-swap on `token_version` and an expiring
//! claim) and stores the new pair in the same statement that retires the
//! old one; every other instance waits for the new version and uses it.

use std::time::Duration;

use super::failure::api_failure;
use super::flow::{Connected, GrantedTeam};
use super::{DigitalOceanSetup, PROVIDER_DIGITALOCEAN};
use crate::activity::{ActivityLog, Entry, Outcome, RequestInfo};
use crate::clock::now_unix;
use crate::connections::record::{normalize_label, ConnectionStatus, MAX_LABEL_CHARS};
use crate::connections::user_key::UserKey;
use crate::connections::Connections;
use crate::crypto::{Binding, Purpose, Sealed};
use crate::db::new_id;
use crate::digitalocean::{AccessToken, RefreshToken, TokenGrant};
use crate::error::DomainError;

/// Tokens live 30 days; Potions refreshes them in their last day.
pub const REFRESH_AHEAD_SECS: i64 = 24 * 3600;
/// How long a claim to refresh holds if its instance dies meanwhile.
const CLAIM_SECS: i64 = 60;
/// How long an instance waits for another's refresh, in steps.
const WAIT_STEP: Duration = Duration::from_millis(250);
const WAIT_STEPS: u32 = 80;

fn binding<'a>(user_id: &'a str, id: &'a str, purpose: Purpose) -> Binding<'a> {
    Binding {
        owner_id: user_id,
        row_id: id,
        purpose,
    }
}

/// The sealed pair of a grant, bound to its row.
struct SealedPair {
    access: Sealed,
    refresh: Sealed,
    hmac: String,
    expires_at: i64,
}

/// Where an UPDATE puts a sealed pair: `$1` to `$8`, in [`SealedPair::bind_to`]'s order.
const PAIR_COLUMNS: &str =
    "token_hmac = $1, token_key_id = $2, token_nonce = $3, token_ciphertext = $4, \
     refresh_key_id = $5, refresh_nonce = $6, refresh_ciphertext = $7, token_expires_at = $8";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl SealedPair {
    fn bind_to<'q>(&'q self, query: AnyQuery<'q>) -> AnyQuery<'q> {
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
);

/// What a refresh needs to know of a row.
struct Tokens {
    status: ConnectionStatus,
    version: i64,
    expires_at: Option<i64>,
    access: Sealed,
    refresh: Option<Sealed>,
}

impl Connections {
    fn seal_pair(
        &self,
        user_id: &str,
        id: &str,
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
        user_id: &str,
        label: &str,
        reconnect_id: Option<&str>,
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
        let existing: Option<(String, Option<String>, Option<String>)> = match reconnect_id {
            Some(id) => sqlx::query_as(
                "SELECT id, team_uuid, team_name FROM connections WHERE user_id = $1 AND id = $2 AND provider = $3",
            )
            .bind(user_id)
            .bind(id)
            .bind(PROVIDER_DIGITALOCEAN)
            .fetch_optional(&mut *tx)
            .await?
            .map(Some)
            .ok_or(DomainError::ConnectionNotFound)?,
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
        let (id, replaced) = match existing {
            Some((id, stored_team, stored_name)) => {
                if stored_team.as_deref() != Some(team.uuid.as_str()) {
                    tx.rollback().await?;
                    return Err(DomainError::ReconnectOtherTeam {
                        team_name: stored_name.unwrap_or_default(),
                    });
                }
                let pair = self.seal_pair(user_id, &id, grant)?;
                pair.bind_to(sqlx::query(&format!(
                    "UPDATE connections SET {PAIR_COLUMNS}, team_name = $9, account_email = $10, \
                     ssh_key_id = $11, status = $12, last_verified_at = $13, \
                     token_version = token_version + 1, refresh_claimed_until = NULL, \
                     label = CASE WHEN $14 = '' THEN label ELSE $14 END WHERE user_id = $15 AND id = $16",
                )))
                .bind(&team.name)
                .bind(&team.email)
                .bind(ssh_key_id)
                .bind(ConnectionStatus::Connected.as_str())
                .bind(now)
                .bind(label)
                .bind(user_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                (id, true)
            }
            None => {
                let id = new_id();
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
                .bind(ConnectionStatus::Connected.as_str())
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
        Ok(Some(Connected {
            connection: self.get(user_id, &id).await?,
            replaced,
        }))
    }

    async fn tokens(&self, user_id: &str, id: &str) -> Result<Tokens, DomainError> {
        let row: Option<TokenRow> = sqlx::query_as(
            "SELECT status, token_version, token_expires_at, token_key_id, token_nonce, token_ciphertext, \
             refresh_key_id, refresh_nonce, refresh_ciphertext FROM connections \
             WHERE user_id = $1 AND id = $2 AND provider = $3",
        )
        .bind(user_id)
        .bind(id)
        .bind(PROVIDER_DIGITALOCEAN)
        .fetch_optional(self.db.pool())
        .await?;
        let (status, version, expires_at, key_id, nonce, ciphertext, r_key, r_nonce, r_cipher) =
            row.ok_or(DomainError::ConnectionNotFound)?;
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
        })
    }

    fn open_text(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<String, DomainError> {
        let plain = self.keyring.open(sealed, binding)?;
        String::from_utf8(plain.to_vec()).map_err(|_| crate::crypto::CryptoError::Decrypt.into())
    }

    /// The stored access token as it is, expired or not.
    pub(super) async fn current_access_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<AccessToken, DomainError> {
        let row = self.tokens(user_id, id).await?;
        let text = self.open_text(
            &row.access,
            binding(user_id, id, Purpose::DigitalOceanAccessToken),
        )?;
        Ok(AccessToken::new(text))
    }

    /// A working access token, refreshed first when it expires within a day.
    pub async fn digitalocean_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<AccessToken, DomainError> {
        self.fresh_token(user_id, id, false).await
    }

    /// A new access token now (DigitalOcean refused the current one), unless
    /// another instance refreshed meanwhile: then that one.
    pub async fn refresh_digitalocean(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<AccessToken, DomainError> {
        self.fresh_token(user_id, id, true).await
    }

    async fn fresh_token(
        &self,
        user_id: &str,
        id: &str,
        force: bool,
    ) -> Result<AccessToken, DomainError> {
        let setup = self.digitalocean_setup()?;
        let mut row = self.tokens(user_id, id).await?;
        let start_version = row.version;
        for _ in 0..WAIT_STEPS {
            if row.status == ConnectionStatus::NeedsAttention {
                return Err(DomainError::DigitalOceanAccessLost);
            }
            let expiring = row
                .expires_at
                .is_none_or(|at| at - now_unix() < REFRESH_AHEAD_SECS);
            if !(expiring || force && row.version == start_version) {
                return self.current_access_token(user_id, id).await;
            }
            if self.claim_refresh(user_id, id, row.version).await? {
                return self.refresh_claimed(setup, user_id, id, row).await;
            }
            tokio::time::sleep(WAIT_STEP).await;
            row = self.tokens(user_id, id).await?;
        }
        Err(DomainError::DigitalOceanUnreachable)
    }

    /// Claims the right to refresh version `version` of the row; false when
    /// another instance holds it or already moved the row on.
    async fn claim_refresh(
        &self,
        user_id: &str,
        id: &str,
        version: i64,
    ) -> Result<bool, DomainError> {
        let now = now_unix();
        let done = sqlx::query(
            "UPDATE connections SET refresh_claimed_until = $1 WHERE user_id = $2 AND id = $3 \
             AND token_version = $4 AND (refresh_claimed_until IS NULL OR refresh_claimed_until < $5)",
        )
        .bind(now + CLAIM_SECS)
        .bind(user_id)
        .bind(id)
        .bind(version)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_claim(&self, user_id: &str, id: &str) -> Result<(), DomainError> {
        sqlx::query(
            "UPDATE connections SET refresh_claimed_until = NULL WHERE user_id = $1 AND id = $2",
        )
        .bind(user_id)
        .bind(id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    async fn refresh_claimed(
        &self,
        setup: &DigitalOceanSetup,
        user_id: &str,
        id: &str,
        row: Tokens,
    ) -> Result<AccessToken, DomainError> {
        let Some(sealed) = &row.refresh else {
            self.mark_needs_attention(user_id, id).await?;
            return Err(DomainError::DigitalOceanAccessLost);
        };
        let refresh = RefreshToken::new(self.open_text(
            sealed,
            binding(user_id, id, Purpose::DigitalOceanRefreshToken),
        )?);
        let grant = match setup.client.refresh(&setup.app, &refresh).await {
            Ok(grant) => grant,
            Err(err) => {
                let failure = api_failure(&err);
                if matches!(failure, DomainError::TokenRejected) {
                    tracing::warn!(
                        connection_id = id,
                        "DigitalOcean refused the refresh: connection needs attention"
                    );
                    self.mark_needs_attention(user_id, id).await?;
                    self.release_claim(user_id, id).await?;
                    self.note_refresh(user_id, id, Outcome::Failed).await;
                    return Err(DomainError::DigitalOceanAccessLost);
                }
                self.release_claim(user_id, id).await?;
                return Err(failure);
            }
        };
        let pair = self.seal_pair(user_id, id, &grant)?;
        let stored = pair
            .bind_to(sqlx::query(&format!(
                "UPDATE connections SET {PAIR_COLUMNS}, token_version = $9, refresh_claimed_until = NULL, \
                 status = $10, last_verified_at = $11 WHERE user_id = $12 AND id = $13 AND token_version = $14",
            )))
        .bind(row.version + 1)
        .bind(ConnectionStatus::Connected.as_str())
        .bind(now_unix())
        .bind(user_id)
        .bind(id)
        .bind(row.version)
        .execute(self.db.pool())
        .await?;
        if stored.rows_affected() == 0 {
            // Disconnected meanwhile: the new grant has no home.
            let _ = setup.client.revoke(&grant.access_token).await;
            return Err(DomainError::ConnectionNotFound);
        }
        tracing::info!(connection_id = id, "digitalocean tokens refreshed");
        self.note_refresh(user_id, id, Outcome::Ok).await;
        Ok(grant.access_token)
    }

    /// Puts a refresh in the owner's activity log (it may run in the
    /// background sweep, outside any request).
    async fn note_refresh(&self, user_id: &str, id: &str, outcome: Outcome) {
        let label = self
            .get(user_id, id)
            .await
            .map(|c| c.label)
            .unwrap_or_default();
        let entry = Entry::new("connection.refreshed", outcome).on(id, &label);
        ActivityLog::new(self.db.clone())
            .record(user_id, &RequestInfo::default(), entry)
            .await;
    }

    /// The background sweep: refreshes every connected team whose token
    /// expires within a day. Answers how many were refreshed.
    pub async fn refresh_expiring_tokens(&self) -> Result<usize, DomainError> {
        if !self.digitalocean_is_set_up() {
            return Ok(0);
        }
        let due: Vec<(String, String)> = sqlx::query_as(
            "SELECT user_id, id FROM connections WHERE provider = $1 AND status = $2 AND token_expires_at < $3",
        )
        .bind(PROVIDER_DIGITALOCEAN)
        .bind(ConnectionStatus::Connected.as_str())
        .bind(now_unix() + REFRESH_AHEAD_SECS)
        .fetch_all(self.db.pool())
        .await?;
        let mut refreshed = 0;
        for (user_id, id) in due {
            match self.digitalocean_token(&user_id, &id).await {
                Ok(_) => refreshed += 1,
                Err(err) => {
                    tracing::warn!(connection_id = %id, error = %err, "background refresh failed")
                }
            }
        }
        Ok(refreshed)
    }
}
