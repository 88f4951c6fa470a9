//! Refreshing a DigitalOcean connection's tokens before they expire, by one
//! instance at a time. A refresh token works once, so an instance first
//! claims the row (a compare-and-swap on `token_version` and an expiring
//! claim) and stores the new pair in the same statement that retires the
//! old one; every other instance waits for the new version and uses it.

use crate::error::Refusal;
use model::{ConnectionId, UserId};
use std::time::Duration;

use super::failure::api_failure;
use super::tokens::{binding, Tokens, PAIR_COLUMNS};
use super::{DigitalOceanSetup, PROVIDER_DIGITALOCEAN};
use crate::activity::{ActivityLog, Entry, Outcome, RequestInfo};
use crate::clock::now_unix;
use crate::connections::record::ConnectionStatus;
use crate::connections::Connections;
use crate::crypto::Purpose;
use crate::error::DomainError;
use crate::providers::digitalocean::{AccessToken, RefreshToken};

/// Tokens live 30 days; Potions refreshes them in their last day.
pub const REFRESH_AHEAD_SECS: i64 = 24 * 3600;
/// How long a claim to refresh holds if its instance dies meanwhile.
const CLAIM_SECS: i64 = 60;
/// How long an instance waits for another's refresh, in steps.
const WAIT_STEP: Duration = Duration::from_millis(250);
const WAIT_STEPS: u32 = 80;

impl Connections {
    /// A working access token, refreshed first when it expires within a day.
    pub async fn digitalocean_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<AccessToken, DomainError> {
        self.fresh_token(user_id, id, false).await
    }

    /// A new access token now (DigitalOcean refused the current one), unless
    /// another instance refreshed meanwhile: then that one.
    pub async fn refresh_digitalocean(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<AccessToken, DomainError> {
        self.fresh_token(user_id, id, true).await
    }

    async fn fresh_token(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        force: bool,
    ) -> Result<AccessToken, DomainError> {
        let setup = self.digitalocean_setup()?;
        let mut row = self.tokens(user_id, id).await?;
        let start_version = row.version;
        for _ in 0..WAIT_STEPS {
            if row.status == ConnectionStatus::NeedsAttention {
                return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
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
        Err(DomainError::Refused(Refusal::DigitalOceanUnreachable))
    }

    /// Claims the right to refresh version `version` of the row; false when
    /// another instance holds it or already moved the row on.
    async fn claim_refresh(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
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

    async fn release_claim(&self, user_id: &UserId, id: &ConnectionId) -> Result<(), DomainError> {
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
        user_id: &UserId,
        id: &ConnectionId,
        row: Tokens,
    ) -> Result<AccessToken, DomainError> {
        let Some(sealed) = &row.refresh else {
            self.mark_needs_attention(user_id, id).await?;
            return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
        };
        let refresh = RefreshToken::new(self.open_text(
            sealed,
            binding(user_id, id, Purpose::DigitalOceanRefreshToken),
        )?);
        let grant = match setup.client.refresh(&setup.app, &refresh).await {
            Ok(grant) => grant,
            Err(err) => {
                let failure = api_failure(&err);
                if matches!(failure, DomainError::Refused(Refusal::TokenRejected)) {
                    tracing::warn!(
                        connection_id = %id,
                        "DigitalOcean refused the refresh: connection needs attention"
                    );
                    self.mark_needs_attention(user_id, id).await?;
                    self.release_claim(user_id, id).await?;
                    self.note_refresh(user_id, id, Outcome::Failed).await;
                    return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
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
        .bind(ConnectionStatus::Connected.stored_name())
        .bind(now_unix())
        .bind(user_id)
        .bind(id)
        .bind(row.version)
        .execute(self.db.pool())
        .await?;
        if stored.rows_affected() == 0 {
            // Disconnected meanwhile: the new grant has no home.
            let _ = setup.client.revoke(&grant.access_token).await;
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        tracing::info!(connection_id = %id, "digitalocean tokens refreshed");
        self.note_refresh(user_id, id, Outcome::Ok).await;
        Ok(grant.access_token)
    }

    /// Puts a refresh in the owner's activity log (it may run in the
    /// background sweep, outside any request).
    async fn note_refresh(&self, user_id: &UserId, id: &ConnectionId, outcome: Outcome) {
        let label = self
            .get(user_id, id)
            .await
            .map(|c| c.label)
            .unwrap_or_default();
        let entry = Entry::new(crate::activity::Action::AccessRefreshed, outcome).on(id, &label);
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
        let due: Vec<(UserId, ConnectionId)> = sqlx::query_as(
            "SELECT user_id, id FROM connections WHERE provider = $1 AND status = $2 AND token_expires_at < $3",
        )
        .bind(PROVIDER_DIGITALOCEAN)
        .bind(ConnectionStatus::Connected.stored_name())
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
