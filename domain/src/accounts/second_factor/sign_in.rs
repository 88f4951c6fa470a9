//! The second step of signing in: after the password, a sign-in waits
//! (server-side, five minutes, bound to the browser by a secret cookie) for
//! a TOTP code, a recovery code or a passkey (`passkey.rs`). Each code
//! works once, on every instance:
//! the database accepts it with a compare-and-swap, and guesses are
//! throttled per account (slowed down, never locked out).

use crate::error::Refusal;
use model::UserId;
use std::future::Future;

use super::{recovery, totp, SecondFactors};
use crate::accounts::sessions::{hash_secret, SessionSecret};
use crate::accounts::throttle::ThrottlePolicy;
use crate::clock::now_unix;
use crate::error::DomainError;

pub const PENDING_TTL_SECS: i64 = 5 * 60;

/// The secret a browser holds while its sign-in waits for the second step.
pub type PendingSecret = SessionSecret;

/// What completed a sign-in, as the Sessions page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Totp,
    RecoveryCode,
    Passkey,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "password and authenticator code",
            Self::RecoveryCode => "password and recovery code",
            Self::Passkey => "password and passkey",
        }
    }

    /// The activity log's name for a sign-in completed with this factor.
    pub fn sign_in_action(self) -> crate::activity::Action {
        match self {
            Self::Totp => crate::activity::Action::SignedInWithAuthenticatorCode,
            Self::RecoveryCode => crate::activity::Action::SignedInWithRecoveryCode,
            Self::Passkey => crate::activity::Action::SignedInWithPasskey,
        }
    }
}

fn throttle_key(user_id: &UserId) -> String {
    format!("second-factor:{user_id}")
}

impl SecondFactors {
    /// Runs `check` as one counted attempt of the user's codes: a wrong code
    /// stays counted, a right one clears the count.
    pub(super) async fn guarded<T>(
        &self,
        user_id: &UserId,
        check: impl Future<Output = Result<Option<T>, DomainError>>,
    ) -> Result<T, DomainError> {
        let key = throttle_key(user_id);
        let attempt = self
            .throttle
            .begin(&[(key.clone(), ThrottlePolicy::PER_ACCOUNT)])
            .await?;
        match check.await? {
            Some(value) => {
                self.throttle.succeeded(attempt, &[&key]).await?;
                Ok(value)
            }
            None => Err(DomainError::Refused(Refusal::SecondFactorWrong)),
        }
    }

    /// The password was right and the user has a second factor: the sign-in
    /// waits for it. Answers the browser's secret.
    pub async fn begin_sign_in(&self, user_id: &UserId) -> Result<PendingSecret, DomainError> {
        let secret = SessionSecret::generate();
        let now = now_unix();
        sqlx::query("DELETE FROM pending_sign_ins WHERE expires_at <= $1")
            .bind(now)
            .execute(self.db.pool())
            .await?;
        sqlx::query(
            "INSERT INTO pending_sign_ins (id_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(hash_secret(secret.expose()))
        .bind(user_id)
        .bind(now + PENDING_TTL_SECS)
        .execute(self.db.pool())
        .await?;
        Ok(secret)
    }

    /// Whose sign-in `pending` is, while it waits (to record a wrong code).
    pub async fn waiting_user(&self, pending: &str) -> Result<Option<UserId>, DomainError> {
        match self.waiting(&hash_secret(pending)).await {
            Ok(user_id) => Ok(Some(user_id)),
            Err(DomainError::Refused(Refusal::SecondStepExpired)) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Which second steps the waiting sign-in's account has: (an
    /// authenticator, a passkey).
    pub async fn waiting_steps(&self, pending: &str) -> Result<(bool, bool), DomainError> {
        let user_id = self.waiting(&hash_secret(pending)).await?;
        Ok((
            self.totp_on(&user_id).await?,
            self.has_passkey(&user_id).await?,
        ))
    }

    /// The user whose sign-in (by the hash of its secret) still waits.
    pub(super) async fn waiting(&self, pending_hash: &str) -> Result<UserId, DomainError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT user_id FROM pending_sign_ins WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(pending_hash)
        .bind(now_unix())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|(user_id,)| UserId::new(user_id))
            .ok_or(DomainError::Refused(Refusal::SecondStepExpired))
    }

    /// Ends a waiting sign-in that its second step completed.
    pub(super) async fn use_up(&self, pending_hash: &str) -> Result<(), DomainError> {
        let used = sqlx::query("DELETE FROM pending_sign_ins WHERE id_hash = $1")
            .bind(pending_hash)
            .execute(self.db.pool())
            .await?;
        if used.rows_affected() != 1 {
            // Completed meanwhile by a parallel request: that one signs in.
            return Err(DomainError::Refused(Refusal::SecondStepExpired));
        }
        Ok(())
    }

    /// Completes a waiting sign-in with a TOTP code or a recovery code;
    /// answers whose it is and what completed it. The waiting sign-in is
    /// used up only by success.
    pub async fn complete_sign_in(
        &self,
        pending: &str,
        code: &str,
    ) -> Result<(UserId, Factor), DomainError> {
        let pending_hash = hash_secret(pending);
        let now = now_unix();
        let user_id = self.waiting(&pending_hash).await?;
        let secret = match self.stored(&user_id).await? {
            Some((secret, Some(_), _)) => Some(secret),
            _ => None,
        };
        if secret.is_none() && !self.has_passkey(&user_id).await? {
            // Turned off meanwhile: sign in again, with the password alone.
            return Err(DomainError::Refused(Refusal::SecondStepExpired));
        }
        let factor = self
            .guarded(&user_id, async {
                let step = secret
                    .as_ref()
                    .and_then(|secret| totp::matching_step(secret, code, now));
                if let Some(step) = step {
                    let accepted = sqlx::query(
                        "UPDATE totp_factors SET last_used_step = $1 \
                         WHERE user_id = $2 AND last_used_step < $1",
                    )
                    .bind(step)
                    .bind(&user_id)
                    .execute(self.db.pool())
                    .await?;
                    return Ok((accepted.rows_affected() == 1).then_some(Factor::Totp));
                }
                Ok(self
                    .use_recovery_code(&user_id, code, now)
                    .await?
                    .then_some(Factor::RecoveryCode))
            })
            .await?;
        self.use_up(&pending_hash).await?;
        Ok((user_id, factor))
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
        let Some((id, _, _)) = unused
            .into_iter()
            .find(|(_, salt, code_hash)| recovery::hash(salt, code) == *code_hash)
        else {
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
