//! A typed code checked for a user, at sign-in or asked again: an
//! authenticator code works once (the database accepts its time step with a
//! compare-and-swap, on every instance), a recovery code once; the account
//! counts wrong ones in a row, and after 100 authenticator codes stop
//! working until a passkey or a recovery code is used.

use model::UserId;
use subtle::ConstantTimeEq as _;

use super::sign_in::Factor;
use super::{recovery, totp, SecondFactors};
use crate::error::{DomainError, Refusal};

/// Wrong second steps in a row after which authenticator codes no longer sign
/// in (NIST SP 800-63B §5.2.2 allows at most 100). A passkey or a recovery
/// code still does, and makes codes work again.
const FAILURES_BEFORE_CODES_STOP: i64 = 100;

impl SecondFactors {
    /// Checks `code` against the authenticator `secret` (if any) and the
    /// user's unused recovery codes, given the account's wrong steps before
    /// this one; answers what it was, or `None` when wrong.
    pub(super) async fn check_code(
        &self,
        user_id: &UserId,
        secret: Option<&[u8]>,
        code: &str,
        now: i64,
        failures_before: i64,
    ) -> Result<Option<Factor>, DomainError> {
        let codes_work = failures_before < FAILURES_BEFORE_CODES_STOP;
        let step = secret
            .filter(|_| codes_work)
            .and_then(|secret| totp::matching_step(secret, code, now));
        if let Some(step) = step {
            let accepted = sqlx::query(
                "UPDATE totp_factors SET last_used_step = $1 \
                 WHERE user_id = $2 AND last_used_step < $1",
            )
            .bind(step)
            .bind(user_id)
            .execute(self.db.pool())
            .await?;
            return Ok((accepted.rows_affected() == 1).then_some(Factor::Totp));
        }
        if self.use_recovery_code(user_id, code, now).await? {
            return Ok(Some(Factor::RecoveryCode));
        }
        if codes_work {
            Ok(None)
        } else {
            Err(DomainError::Refused(Refusal::AuthenticatorCodesStopped))
        }
    }

    /// Counts one checked second step against the account, before the
    /// check (so parallel guesses cannot slip past the bound); answers the
    /// account's wrong steps before it.
    pub(super) async fn count_account_attempt(&self, user_id: &UserId) -> Result<i64, DomainError> {
        let (failures,): (i64,) = sqlx::query_as(
            "UPDATE users SET second_step_failures = second_step_failures + 1 WHERE id = $1 \
             RETURNING second_step_failures",
        )
        .bind(user_id)
        .fetch_one(self.db.pool())
        .await?;
        Ok(failures - 1)
    }

    /// A second step succeeded: the account's count starts again, keeping
    /// any counted by a parallel attempt meanwhile. Answers the count it
    /// cleared (this step included).
    pub(super) async fn clear_account_failures(
        &self,
        user_id: &UserId,
    ) -> Result<i64, DomainError> {
        let (counted,): (i64,) =
            sqlx::query_as("SELECT second_step_failures FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(self.db.pool())
                .await?;
        sqlx::query(
            "UPDATE users SET second_step_failures = second_step_failures - $1 WHERE id = $2",
        )
        .bind(counted)
        .bind(user_id)
        .execute(self.db.pool())
        .await?;
        Ok(counted)
    }

    /// Marks the matching unused recovery code used; false if none matches.
    async fn use_recovery_code(
        &self,
        user_id: &UserId,
        code: &str,
        now: i64,
    ) -> Result<bool, DomainError> {
        if recovery::normalise(code).len() < 16 {
            return Ok(false);
        }
        let unused: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, salt, code_hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        let Some((id, _, _)) = unused.into_iter().find(|(_, salt, code_hash)| {
            // Constant time: how much of a hash matched says nothing.
            let typed = recovery::hash(salt, code);
            bool::from(typed.as_bytes().ct_eq(code_hash.as_bytes()))
        }) else {
            return Ok(false);
        };
        let used =
            sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(&id)
                .execute(self.db.pool())
                .await?;
        Ok(used.rows_affected() == 1)
    }
}
