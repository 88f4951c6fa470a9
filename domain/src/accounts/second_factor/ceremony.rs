//! A passkey ceremony's state, waiting server-side between its two halves:
//! five minutes at most, bound to its user and purpose (adding a passkey, or
//! one waiting sign-in), stored by the hash of the id the browser holds, and
//! taken with `DELETE … RETURNING`, so it works once on every instance.

use crate::error::Refusal;
use model::UserId;
use serde::{de::DeserializeOwned, Serialize};

use super::SecondFactors;
use crate::accounts::sessions::{hash_secret, SessionSecret};
use crate::clock::now_unix;
use crate::error::DomainError;

const CEREMONY_TTL_SECS: i64 = 5 * 60;
pub(super) const REGISTER: &str = "register";

pub(super) fn sign_in_purpose(pending_hash: &str) -> String {
    format!("sign-in:{pending_hash}")
}

pub(super) fn stored_json<T: DeserializeOwned>(json: &str) -> Result<T, DomainError> {
    serde_json::from_str(json).map_err(|err| {
        tracing::error!(error = %err, "a stored passkey or ceremony does not parse");
        DomainError::Refused(Refusal::PasskeyExpired)
    })
}

impl SecondFactors {
    pub(super) async fn store_ceremony(
        &self,
        user_id: &UserId,
        purpose: &str,
        state: &impl Serialize,
    ) -> Result<String, DomainError> {
        let id = SessionSecret::generate();
        let state = serde_json::to_string(state)
            .map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))?;
        let now = now_unix();
        // A new ceremony replaces the user's earlier one of the same purpose,
        // so a loop of starts keeps one row, not one per call; in one
        // transaction, so a failed insert leaves the earlier one in place.
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "DELETE FROM passkey_ceremonies WHERE expires_at <= $1 \
             OR (user_id = $2 AND purpose = $3)",
        )
        .bind(now)
        .bind(user_id)
        .bind(purpose)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO passkey_ceremonies (id_hash, user_id, purpose, state, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash_secret(id.expose()))
        .bind(user_id)
        .bind(purpose)
        .bind(state)
        .bind(now + CEREMONY_TTL_SECS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id.expose().to_string())
    }

    /// Takes a ceremony's state out of the database: once, for its user
    /// and purpose, before it expires.
    pub(super) async fn take_ceremony<T: DeserializeOwned>(
        &self,
        ceremony: &str,
        user_id: &UserId,
        purpose: &str,
    ) -> Result<T, DomainError> {
        let row: Option<(String,)> = sqlx::query_as(
            "DELETE FROM passkey_ceremonies \
             WHERE id_hash = $1 AND user_id = $2 AND purpose = $3 AND expires_at > $4 \
             RETURNING state",
        )
        .bind(hash_secret(ceremony))
        .bind(user_id)
        .bind(purpose)
        .bind(now_unix())
        .fetch_optional(self.db.pool())
        .await?;
        let (state,) = row.ok_or(DomainError::Refused(Refusal::PasskeyExpired))?;
        stored_json(&state)
    }
}
