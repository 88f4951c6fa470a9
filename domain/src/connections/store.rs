//! Every SQL statement on `connections` (but the signed-in read, which
//! joins them to the session: `crate::signed_in`). A connection and its
//! sealed token are one row, so they are written and deleted together.

use super::record::{Connection, ConnectionStatus};
use super::user_key::UserKey;
use super::{Connections, PROVIDER_HETZNER};
use crate::activity::{self, Entry, Outcome, RequestInfo};
use crate::clock::now_unix;
use crate::crypto::{Binding, Purpose, Sealed};
use crate::db::new_id;
use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::hetzner::ApiToken;
use model::{ConnectionId, UserId};

/// The token a provider refused, as the connection held it then.
#[derive(Debug, Clone, Copy)]
pub(super) enum FailedToken<'a> {
    /// A Hetzner token, by its fingerprint.
    Fingerprint(&'a str),
    /// A DigitalOcean pair, by the version a refresh or Reconnect bumps.
    Version(i64),
}

/// The columns a [`Connection`] is read from.
pub(crate) const CONNECTION_COLUMNS: &str =
    "id, provider, label, status, ssh_key_id, connected_at, last_verified_at, generation, team_name";

/// A checked token about to be stored, with its duplicate-check HMAC.
pub(super) struct NewToken<'a> {
    pub token: &'a ApiToken,
    pub hmac: &'a str,
}

/// Turns a unique-constraint violation on the token's HMAC into "already connected".
async fn already_connected_or(
    connections: &Connections,
    user_id: &UserId,
    hmac: &str,
    err: sqlx::Error,
) -> DomainError {
    if !DomainError::is_unique_violation(&err) {
        return err.into();
    }
    match connections.label_for_hmac(user_id, hmac).await {
        Ok(label) => DomainError::Refused(Refusal::AlreadyConnected(label.unwrap_or_default())),
        Err(err) => err,
    }
}

impl Connections {
    /// Seals a token for one row: the ciphertext opens only for that owner and row.
    fn seal_token(
        &self,
        user_id: &UserId,
        row_id: &ConnectionId,
        token: &ApiToken,
    ) -> Result<Sealed, DomainError> {
        Ok(self.keyring.seal(
            token.expose_secret().as_bytes(),
            Binding {
                owner_id: user_id.as_str(),
                row_id: row_id.as_str(),
                purpose: Purpose::HetznerToken,
            },
        )?)
    }

    pub(super) async fn label_for_hmac(
        &self,
        user_id: &UserId,
        hmac: &str,
    ) -> Result<Option<String>, DomainError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT label FROM connections WHERE user_id = $1 AND token_hmac = $2")
                .bind(user_id)
                .bind(hmac)
                .fetch_optional(self.db.pool())
                .await?;
        Ok(row.map(|(l,)| l))
    }

    /// Stores a new key pair of the user within `tx`; false when another
    /// request stored a different pair first (the caller starts again).
    pub(super) async fn save_user_key(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: &UserId,
        key: &UserKey,
    ) -> Result<bool, DomainError> {
        let Some(sealed) = &key.unsaved else {
            return Ok(true);
        };
        sqlx::query(
            "INSERT INTO user_ssh_keys (user_id, public_key, fingerprint, private_key_id, private_nonce, \
             private_ciphertext, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(&key.public_key)
        .bind(&key.fingerprint)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now_unix())
        .execute(&mut **tx)
        .await?;
        let (stored,): (String,) =
            sqlx::query_as("SELECT fingerprint FROM user_ssh_keys WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&mut **tx)
                .await?;
        Ok(stored == key.fingerprint)
    }

    /// Stores the connection (and a new key pair) with its activity entry in
    /// one transaction. `None` when another request stored a different key
    /// pair for the user first.
    pub(super) async fn insert(
        &self,
        user_id: &UserId,
        label: &str,
        token: NewToken<'_>,
        key: &UserKey,
        ssh_key_id: i64,
        request: &RequestInfo,
    ) -> Result<Option<Connection>, DomainError> {
        let mut tx = self.db.pool().begin().await?;
        let now = now_unix();
        if !self.save_user_key(&mut tx, user_id, key).await? {
            tx.rollback().await?;
            return Ok(None);
        }
        let id = ConnectionId::new(new_id());
        let sealed = self.seal_token(user_id, &id, token.token)?;
        let inserted = sqlx::query(
            "INSERT INTO connections (id, user_id, provider, label, token_hmac, token_key_id, token_nonce, \
             token_ciphertext, ssh_key_id, status, connected_at, last_verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(PROVIDER_HETZNER)
        .bind(label)
        .bind(token.hmac)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(ssh_key_id)
        .bind(ConnectionStatus::Connected.stored_name())
        .bind(now)
        .execute(&mut *tx)
        .await;
        if let Err(err) = inserted {
            tx.rollback().await?;
            return Err(already_connected_or(self, user_id, token.hmac, err).await);
        }
        let entry = Entry::new(crate::activity::Action::Connected, Outcome::Ok).on(&id, label);
        activity::append(&mut *tx, user_id, request, entry).await?;
        tx.commit().await?;
        Ok(Some(Connection {
            id,
            provider: PROVIDER_HETZNER.into(),
            label: label.into(),
            status: ConnectionStatus::Connected,
            ssh_key_id,
            connected_at: now,
            last_verified_at: now,
            generation: 0,
            team_name: None,
        }))
    }

    /// One of the user's connections; another user's id is simply not found.
    pub async fn get(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Connection, DomainError> {
        let row: Option<Connection> = sqlx::query_as(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        row.ok_or(DomainError::Refused(Refusal::ConnectionNotFound))
    }

    pub(super) async fn sealed_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Sealed, DomainError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT token_key_id, token_nonce, token_ciphertext FROM connections \
             WHERE user_id = $1 AND id = $2 AND provider = $3",
        )
        .bind(user_id)
        .bind(id)
        .bind(PROVIDER_HETZNER)
        .fetch_optional(self.db.pool())
        .await?;
        let (key_id, nonce, ciphertext) =
            row.ok_or(DomainError::Refused(Refusal::ConnectionNotFound))?;
        Ok(Sealed {
            key_id,
            nonce,
            ciphertext,
        })
    }

    /// The provider refused `failed`: the connection needs attention, unless
    /// its token was replaced or refreshed meanwhile (that one may work).
    pub(super) async fn mark_needs_attention(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        failed: FailedToken<'_>,
    ) -> Result<(), DomainError> {
        let still_held = match failed {
            FailedToken::Fingerprint(_) => "token_hmac = $4",
            FailedToken::Version(_) => "token_version = $4",
        };
        let query = format!(
            "UPDATE connections SET status = $1 WHERE user_id = $2 AND id = $3 AND {still_held}"
        );
        let query = sqlx::query(&query)
            .bind(ConnectionStatus::NeedsAttention.stored_name())
            .bind(user_id)
            .bind(id);
        match failed {
            FailedToken::Fingerprint(fingerprint) => query.bind(fingerprint),
            FailedToken::Version(version) => query.bind(version),
        }
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// The token passed a check just now: connected, verified, with this key.
    pub(super) async fn mark_verified(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        ssh_key_id: i64,
    ) -> Result<(), DomainError> {
        sqlx::query(
            "UPDATE connections SET status = $1, last_verified_at = $2, ssh_key_id = $3 \
             WHERE user_id = $4 AND id = $5",
        )
        .bind(ConnectionStatus::Connected.stored_name())
        .bind(now_unix())
        .bind(ssh_key_id)
        .bind(user_id)
        .bind(id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    pub(super) async fn set_ssh_key_id(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        ssh_key_id: i64,
    ) -> Result<(), DomainError> {
        sqlx::query("UPDATE connections SET ssh_key_id = $1 WHERE user_id = $2 AND id = $3")
            .bind(ssh_key_id)
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Puts a checked replacement token in the row, connected and verified.
    pub(super) async fn update_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        token: NewToken<'_>,
        ssh_key_id: i64,
    ) -> Result<(), DomainError> {
        let sealed = self.seal_token(user_id, id, token.token)?;
        let updated = sqlx::query(
            "UPDATE connections SET token_hmac = $1, token_key_id = $2, token_nonce = $3, token_ciphertext = $4, \
             ssh_key_id = $5, status = $6, last_verified_at = $7 WHERE user_id = $8 AND id = $9",
        )
        .bind(token.hmac)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(ssh_key_id)
        .bind(ConnectionStatus::Connected.stored_name())
        .bind(now_unix())
        .bind(user_id)
        .bind(id)
        .execute(self.db.pool())
        .await;
        match updated {
            Ok(done) if done.rows_affected() == 0 => {
                Err(DomainError::Refused(Refusal::ConnectionNotFound))
            }
            Ok(_) => Ok(()),
            Err(err) => Err(already_connected_or(self, user_id, token.hmac, err).await),
        }
    }

    /// Potions changed what the project holds: every cache of it, on every
    /// instance, is stale from now on.
    pub async fn note_project_changed(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<(), DomainError> {
        sqlx::query(
            "UPDATE connections SET generation = generation + 1 WHERE user_id = $1 AND id = $2",
        )
        .bind(user_id)
        .bind(id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    pub(super) async fn set_label(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        label: &str,
    ) -> Result<(), DomainError> {
        let done = sqlx::query("UPDATE connections SET label = $1 WHERE user_id = $2 AND id = $3")
            .bind(label)
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        Ok(())
    }

    pub(super) async fn delete(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<(), DomainError> {
        let done = sqlx::query("DELETE FROM connections WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        Ok(())
    }
}
