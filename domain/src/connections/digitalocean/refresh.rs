//! Refreshing a DigitalOcean connection's tokens before they expire, by one
//! instance at a time. A refresh token works once, so an instance first
//! claims the row (a compare-and-swap on `token_version` and an expiring
//! claim, timed by the database's clock) and stores the new pair in the same
//! statement that retires the old one; every other instance waits for the
//! new version and uses it. The refresh runs detached from the request that
//! needed it, so a cancelled request cannot drop the new pair; a refresh whose
//! answer never came is not sent again until the old access token shows
//! whether it was applied (DigitalOcean ends it with the refresh).

use crate::error::Refusal;
use model::{ConnectionId, UserId};
use std::time::Duration;

use super::failure::api_failure;
use super::tokens::{Tokens, PAIR_COLUMNS};
use super::PROVIDER_DIGITALOCEAN;
use crate::activity::{ActivityLog, Entry, Outcome, RequestInfo};
use crate::clock::now_unix;
use crate::connections::record::ConnectionStatus;
use crate::connections::store::FailedToken;
use crate::connections::Connections;
use crate::error::DomainError;
use crate::providers::digitalocean::{AccessToken, DigitalOceanError, ErrorKind};

/// Tokens live 30 days; Potions refreshes them in their last day.
pub const REFRESH_AHEAD_SECS: i64 = 24 * 3600;
/// How long a claim to refresh holds if its instance dies meanwhile.
const CLAIM_SECS: i64 = 60;
/// How long an instance waits for another's refresh, in steps.
const WAIT_STEP: Duration = Duration::from_millis(250);
const WAIT_STEPS: u32 = 80;

/// Whether a failed refresh may have been applied: no answer, or one that
/// could not be read. A refusal (`invalid_grant`) or a rate limit was not.
fn outcome_unknown(err: &DigitalOceanError) -> bool {
    matches!(
        err.kind,
        ErrorKind::Timeout
            | ErrorKind::Transport
            | ErrorKind::ServerError { .. }
            | ErrorKind::UnexpectedAnswer { .. }
    )
}

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
        self.digitalocean_setup()?;
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
                // Detached: the request may be cancelled (the router's
                // timeout, a closed browser), the refresh must not be.
                let this = self.clone();
                let (user_id, id) = (user_id.clone(), id.clone());
                let refresh = async move { this.refresh_claimed(&user_id, &id, row).await };
                return tokio::spawn(refresh)
                    .await
                    .unwrap_or(Err(DomainError::Refused(Refusal::DigitalOceanUnreachable)));
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
        // The database's clock, so instances whose clocks differ agree on
        // when a claim has expired.
        let now = self.db.backend().unix_now_sql();
        let claim = format!(
            "UPDATE connections SET refresh_claimed_until = {now} + $1 WHERE user_id = $2 AND id = $3 \
             AND token_version = $4 AND (refresh_claimed_until IS NULL OR refresh_claimed_until < {now})"
        );
        let done = sqlx::query(&claim)
            .bind(CLAIM_SECS)
            .bind(user_id)
            .bind(id)
            .bind(version)
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
        user_id: &UserId,
        id: &ConnectionId,
        row: Tokens,
    ) -> Result<AccessToken, DomainError> {
        let setup = self.digitalocean_setup()?;
        let Some(refresh) = self.open_refresh(user_id, id, &row)? else {
            self.mark_needs_attention(user_id, id, FailedToken::Version(row.version))
                .await?;
            return Err(DomainError::Refused(Refusal::DigitalOceanAccessLost));
        };
        if row.refresh_outcome_unknown {
            self.settle_unknown_refresh(user_id, id, &row).await?;
        }
        let grant = match setup.client.refresh(&setup.app, &refresh).await {
            Ok(grant) => grant,
            Err(err) if outcome_unknown(&err) => {
                tracing::warn!(
                    connection_id = %id,
                    error = %err,
                    "a DigitalOcean refresh went unanswered: not sent again until its outcome is known"
                );
                self.set_refresh_outcome_unknown(user_id, id, row.version, true)
                    .await?;
                self.release_claim(user_id, id).await?;
                return Err(DomainError::Refused(Refusal::DigitalOceanUnreachable));
            }
            Err(err) => {
                let failure = api_failure(&err);
                if matches!(failure, DomainError::Refused(Refusal::TokenRejected)) {
                    tracing::warn!(
                        connection_id = %id,
                        "DigitalOcean refused the refresh: connection needs attention"
                    );
                    return Err(self.access_lost(user_id, id, row.version).await);
                }
                self.release_claim(user_id, id).await?;
                return Err(failure);
            }
        };
        let pair = self.seal_pair(user_id, id, &grant)?;
        let stored = pair
            .bind_to(sqlx::query(&format!(
                "UPDATE connections SET {PAIR_COLUMNS}, token_version = $9, refresh_claimed_until = NULL, \
                 refresh_outcome_unknown = 0, status = $10, last_verified_at = $11 \
                 WHERE user_id = $12 AND id = $13 AND token_version = $14",
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
            let refresh = Some(&grant.refresh_token);
            let _ = setup
                .client
                .revoke_grant(&grant.access_token, refresh)
                .await;
            return Err(DomainError::Refused(Refusal::ConnectionNotFound));
        }
        tracing::info!(connection_id = %id, "digitalocean tokens refreshed");
        self.note_refresh(user_id, id, Outcome::Ok).await;
        Ok(grant.access_token)
    }

    /// A refresh of this pair went unanswered. The old access token tells
    /// whether it was applied: still working, it was not, and the refresh
    /// token may be sent; refused, the new pair was lost with the answer.
    async fn settle_unknown_refresh(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        row: &Tokens,
    ) -> Result<(), DomainError> {
        let setup = self.digitalocean_setup()?;
        let access = self.open_access(user_id, id, row)?;
        match setup.client.account(&access).await {
            Ok(_) => {
                self.set_refresh_outcome_unknown(user_id, id, row.version, false)
                    .await
            }
            Err(err) if err.kind == ErrorKind::Unauthorized => {
                tracing::warn!(
                    connection_id = %id,
                    "an unanswered DigitalOcean refresh was applied: the new tokens were lost"
                );
                Err(self.access_lost(user_id, id, row.version).await)
            }
            Err(err) => {
                tracing::warn!(connection_id = %id, error = %err, "could not settle an unanswered refresh");
                self.release_claim(user_id, id).await?;
                Err(DomainError::Refused(Refusal::DigitalOceanUnreachable))
            }
        }
    }

    /// The pair of `version` works no more: the connection needs attention
    /// (unless a Reconnect replaced the pair meanwhile).
    async fn access_lost(&self, user_id: &UserId, id: &ConnectionId, version: i64) -> DomainError {
        let marked = async {
            self.mark_needs_attention(user_id, id, FailedToken::Version(version))
                .await?;
            self.release_claim(user_id, id).await
        };
        if let Err(err) = marked.await {
            return err;
        }
        self.note_refresh(user_id, id, Outcome::Failed).await;
        DomainError::Refused(Refusal::DigitalOceanAccessLost)
    }

    async fn set_refresh_outcome_unknown(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        version: i64,
        unknown: bool,
    ) -> Result<(), DomainError> {
        sqlx::query(
            "UPDATE connections SET refresh_outcome_unknown = $1 \
             WHERE user_id = $2 AND id = $3 AND token_version = $4",
        )
        .bind(i64::from(unknown))
        .bind(user_id)
        .bind(id)
        .bind(version)
        .execute(self.db.pool())
        .await?;
        Ok(())
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
