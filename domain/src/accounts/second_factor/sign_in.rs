//! The second step of signing in: after the password, a sign-in waits
//! (server-side, five minutes, bound to the browser by a secret cookie) for
//! a TOTP code, a recovery code or a passkey (`passkey.rs`). Each code
//! works once, on every instance:
//! the database accepts it with a compare-and-swap. Guesses are throttled
//! per account (slowed down), bounded per waiting sign-in (then the password
//! again) and per account (after 100 wrong in a row, authenticator codes stop
//! working until a passkey or a recovery code signs in); the next sign-in
//! learns how many wrong second steps came before it.

use crate::error::Refusal;
use model::UserId;
use std::future::Future;

use super::SecondFactors;
use crate::accounts::sessions::{hash_secret, SessionSecret};
use crate::accounts::throttle::ThrottlePolicy;
use crate::clock::now_unix;
use crate::error::DomainError;

pub const PENDING_TTL_SECS: i64 = 5 * 60;
/// Second steps one waiting sign-in may try; then the password is asked again.
const ATTEMPTS_PER_SIGN_IN: i64 = 5;

/// A completed second step.
#[derive(Debug)]
pub struct SecondStepDone {
    pub user_id: UserId,
    pub factor: Factor,
    /// Wrong second steps since the account's previous sign-in.
    pub failures_before: i64,
}

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

    /// One second step of a waiting sign-in: throttled, counted against the
    /// sign-in and the account before `check` runs (which is given the
    /// account's wrong steps before this one), a wrong one answered with
    /// `refused`, and the sign-in ended by its last wrong try.
    pub(super) async fn second_step<T, F>(
        &self,
        user_id: &UserId,
        pending_hash: &str,
        refused: Refusal,
        check: impl FnOnce(i64) -> F,
    ) -> Result<T, DomainError>
    where
        F: Future<Output = Result<Option<T>, DomainError>>,
    {
        let checked = self
            .guarded(user_id, async {
                let failures_before = self.count_attempt(user_id, pending_hash).await?;
                check(failures_before).await
            })
            .await;
        match checked {
            Err(DomainError::Refused(Refusal::SecondFactorWrong)) => Err(self
                .wrong_step(pending_hash, DomainError::Refused(refused))
                .await),
            other => other,
        }
    }

    /// Counts one checked second step of a waiting sign-in, against the
    /// sign-in and the account; answers the account's wrong steps before it.
    /// Counted before the check, so parallel guesses cannot slip past a bound.
    async fn count_attempt(
        &self,
        user_id: &UserId,
        pending_hash: &str,
    ) -> Result<i64, DomainError> {
        let counted = sqlx::query(
            "UPDATE pending_sign_ins SET attempts = attempts + 1 \
             WHERE id_hash = $1 AND attempts < $2 AND expires_at > $3",
        )
        .bind(pending_hash)
        .bind(ATTEMPTS_PER_SIGN_IN)
        .bind(now_unix())
        .execute(self.db.pool())
        .await?;
        if counted.rows_affected() == 0 {
            self.end_waiting(pending_hash).await?;
            return Err(DomainError::Refused(Refusal::SecondStepTooManyTries));
        }
        self.count_account_attempt(user_id).await
    }

    /// A second step was wrong: the sign-in that used its last try ends.
    async fn wrong_step(&self, pending_hash: &str, refused: DomainError) -> DomainError {
        let attempts: Result<Option<(i64,)>, _> =
            sqlx::query_as("SELECT attempts FROM pending_sign_ins WHERE id_hash = $1")
                .bind(pending_hash)
                .fetch_optional(self.db.pool())
                .await;
        match attempts {
            Ok(Some((attempts,))) if attempts >= ATTEMPTS_PER_SIGN_IN => {
                match self.end_waiting(pending_hash).await {
                    Ok(()) => DomainError::Refused(Refusal::SecondStepTooManyTries),
                    Err(err) => err,
                }
            }
            Ok(_) => refused,
            Err(err) => err.into(),
        }
    }

    async fn end_waiting(&self, pending_hash: &str) -> Result<(), DomainError> {
        sqlx::query("DELETE FROM pending_sign_ins WHERE id_hash = $1")
            .bind(pending_hash)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// The second step succeeded: the waiting sign-in is used up and the
    /// account's count of wrong steps starts again (keeping any counted by a
    /// parallel attempt meanwhile).
    pub(super) async fn finish(
        &self,
        user_id: UserId,
        pending_hash: &str,
        factor: Factor,
    ) -> Result<SecondStepDone, DomainError> {
        self.use_up(pending_hash).await?;
        let counted = self.clear_account_failures(&user_id).await?;
        Ok(SecondStepDone {
            user_id,
            factor,
            // The count included this successful step.
            failures_before: (counted - 1).max(0),
        })
    }

    /// Completes a waiting sign-in with a TOTP code or a recovery code. The
    /// waiting sign-in is used up only by success or by its last try.
    pub async fn complete_sign_in(
        &self,
        pending: &str,
        code: &str,
    ) -> Result<SecondStepDone, DomainError> {
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
        let refused = Refusal::SecondFactorWrong;
        let (user, secret) = (&user_id, &secret);
        let factor = self
            .second_step(
                &user_id,
                &pending_hash,
                refused,
                |failures_before| async move {
                    self.check_code(
                        user,
                        secret.as_ref().map(|s| s.as_slice()),
                        code,
                        now,
                        failures_before,
                    )
                    .await
                },
            )
            .await?;
        self.finish(user_id, &pending_hash, factor).await
    }
}
