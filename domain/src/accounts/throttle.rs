//! Sign-in and sign-up throttling. Attempts are recorded in the database,
//! keyed per account, per client address and per both, so every app instance
//! sees them; each is counted before its password is checked, so parallel
//! guesses cannot slip by.

use crate::error::Refusal;
use futures::future::try_join_all;

use crate::clock::now_unix;
use crate::db::{new_id, Database};
use crate::error::DomainError;

/// What a key that reached its limit may still do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    /// Nothing until enough failures leave the window.
    Wait,
    /// One attempt per `spacing_secs`: whoever triggers it slows the key's
    /// owner down, but cannot lock them out.
    SlowDown { spacing_secs: i64 },
}

/// How many failures a key may collect within `window_secs`, and what then.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: usize,
    pub window_secs: i64,
    pub over_limit: OverLimit,
}

impl ThrottlePolicy {
    /// One account from one address: a guesser locks out only itself.
    pub const PER_ACCOUNT_AND_ADDRESS: Self = Self {
        max_failures: 5,
        window_secs: 15 * 60,
        over_limit: OverLimit::Wait,
    };
    /// One account from everywhere: guessers spread over many addresses get
    /// one try per 30 s between them, and the owner is never locked out.
    pub const PER_ACCOUNT: Self = Self {
        max_failures: 10,
        window_secs: 15 * 60,
        over_limit: OverLimit::SlowDown { spacing_secs: 30 },
    };
    pub const PER_ADDRESS: Self = Self {
        max_failures: 20,
        window_secs: 15 * 60,
        over_limit: OverLimit::Wait,
    };
    /// Every sign-up from one address counts, whatever its outcome.
    pub const SIGN_UPS_PER_ADDRESS: Self = Self {
        max_failures: 50,
        window_secs: 15 * 60,
        over_limit: OverLimit::Wait,
    };

    /// Given the times of recent failures (any order), returns how many seconds
    /// to wait before another attempt, or `None` when an attempt is allowed now.
    pub fn retry_after(&self, failures: &[i64], now: i64) -> Option<i64> {
        let mut recent: Vec<i64> = failures
            .iter()
            .copied()
            .filter(|&t| t > now - self.window_secs && t <= now)
            .collect();
        if recent.len() < self.max_failures {
            return None;
        }
        recent.sort_unstable();
        match self.over_limit {
            // The attempt is allowed again once the oldest failure that keeps
            // the count at the limit leaves the window.
            OverLimit::Wait => {
                let pivot = recent[recent.len() - self.max_failures];
                Some((pivot + self.window_secs - now).max(1))
            }
            OverLimit::SlowDown { spacing_secs } => {
                let newest = recent[recent.len() - 1];
                let wait = newest + spacing_secs - now;
                (wait > 0).then_some(wait)
            }
        }
    }
}

pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

pub fn account_and_address_key(email: &str, address: &str) -> String {
    format!("account-address:{email}|{address}")
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

pub fn sign_up_key(address: &str) -> String {
    format!("sign-up:{address}")
}

/// One sign-in attempt, counted before the password is checked.
#[derive(Debug)]
pub struct Attempt {
    id: String,
}

#[derive(Clone, Debug)]
pub struct Throttle {
    db: Database,
}

impl Throttle {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Failures of `key` since `since`, other than `attempt`'s own.
    async fn failures(
        &self,
        key: &str,
        since: i64,
        attempt: &str,
    ) -> Result<Vec<i64>, DomainError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT failed_at FROM login_failures WHERE throttle_key = $1 AND failed_at > $2 \
             AND (attempt_id IS NULL OR attempt_id <> $3)",
        )
        .bind(key)
        .bind(since)
        .bind(attempt)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    /// Counts an attempt under every key, then checks the limits. The count is
    /// written (and committed) before it is read, so of many attempts in
    /// parallel, on any number of instances, at most the limit pass: each one
    /// sees at least every attempt committed before its own. A refused attempt
    /// is taken back, so hammering a locked account does not lengthen its wait.
    /// Every key is written in one transaction (one commit, one sync to disk),
    /// in sorted order so concurrent transactions cannot deadlock on
    /// PostgreSQL, and the keys are read back concurrently.
    pub async fn begin(&self, keys: &[(String, ThrottlePolicy)]) -> Result<Attempt, DomainError> {
        let now = now_unix();
        let attempt = Attempt { id: new_id() };
        let mut in_lock_order: Vec<_> = keys.iter().collect();
        in_lock_order.sort_by(|a, b| a.0.cmp(&b.0));
        let mut tx = self.db.pool().begin().await?;
        for (key, policy) in in_lock_order {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1 AND failed_at <= $2")
                .bind(key)
                .bind(now - policy.window_secs)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO login_failures (throttle_key, failed_at, attempt_id) VALUES ($1, $2, $3)",
            )
            .bind(key)
            .bind(now)
            .bind(&attempt.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let waits = try_join_all(keys.iter().map(|(key, policy)| async {
            let failures = self
                .failures(key, now - policy.window_secs, &attempt.id)
                .await?;
            Ok::<_, DomainError>(policy.retry_after(&failures, now))
        }))
        .await?;
        match waits.into_iter().flatten().max() {
            None => Ok(attempt),
            Some(retry_after_secs) => {
                self.forgive(&attempt).await?;
                Err(DomainError::Refused(Refusal::Throttled(retry_after_secs)))
            }
        }
    }

    /// The attempt succeeded: it no longer counts, and neither do earlier
    /// failures under `cleared` (the account's keys).
    pub async fn succeeded(&self, attempt: Attempt, cleared: &[&str]) -> Result<(), DomainError> {
        self.forgive(&attempt).await?;
        for key in cleared {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1")
                .bind(key)
                .execute(self.db.pool())
                .await?;
        }
        Ok(())
    }

    async fn forgive(&self, attempt: &Attempt) -> Result<(), DomainError> {
        sqlx::query("DELETE FROM login_failures WHERE attempt_id = $1")
            .bind(&attempt.id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: ThrottlePolicy = ThrottlePolicy {
        max_failures: 3,
        window_secs: 60,
        over_limit: OverLimit::Wait,
    };

    #[test]
    fn slowing_down_allows_one_attempt_per_spacing_however_many_failed() {
        let slow = ThrottlePolicy {
            over_limit: OverLimit::SlowDown { spacing_secs: 30 },
            ..POLICY
        };
        assert_eq!(slow.retry_after(&[990, 995], 1000), None);
        let many = [950, 960, 970, 980, 990];
        assert_eq!(slow.retry_after(&many, 1000), Some(20));
        assert_eq!(slow.retry_after(&many, 1020), None);
        // A lock-out of the same failures lasts until the window moves on.
        assert_eq!(POLICY.retry_after(&many, 1020), Some(10));
    }

    #[test]
    fn allows_until_the_limit_is_reached() {
        assert_eq!(POLICY.retry_after(&[], 1000), None);
        assert_eq!(POLICY.retry_after(&[990, 995], 1000), None);
        assert!(POLICY.retry_after(&[990, 995, 999], 1000).is_some());
    }

    #[test]
    fn wait_ends_when_the_oldest_counted_failure_leaves_the_window() {
        // Failures at 950, 960, 970; window 60 s: free again at 1010.
        assert_eq!(POLICY.retry_after(&[970, 950, 960], 1000), Some(10));
        assert_eq!(POLICY.retry_after(&[970, 950, 960], 1010), None);
    }

    #[test]
    fn old_failures_do_not_count() {
        assert_eq!(POLICY.retry_after(&[100, 200, 300, 990], 1000), None);
    }

    #[test]
    fn many_failures_wait_for_the_limit_th_newest() {
        // Five failures, limit three: the third newest (980) governs.
        assert_eq!(
            POLICY.retry_after(&[950, 960, 980, 990, 999], 1000),
            Some(40)
        );
    }

    #[test]
    fn wait_is_at_least_one_second() {
        assert_eq!(POLICY.retry_after(&[941, 999, 999], 1000), Some(1));
    }
}
