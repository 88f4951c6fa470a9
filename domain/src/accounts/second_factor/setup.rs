//! Setting the authenticator up and turning it off (after the caller
//! re-checked the password), recovery codes made and taken, and what the
//! Security page shows.

use super::{recovery, totp, PasskeyInfo, RecoveryCodes, RelyingParty};
use crate::error::Refusal;
use model::UserId;
use std::sync::Arc;
use zeroize::Zeroizing;

use crate::accounts::throttle::Throttle;
use crate::accounts::User;
use crate::clock::now_unix;
use crate::crypto::{Binding, Keyring, Purpose, Sealed};
use crate::db::Database;
use crate::error::DomainError;

/// An unconfirmed secret is offered this long before it must be started again.
const ENROLMENT_TTL_SECS: i64 = 15 * 60;
/// New recovery codes wait this long for the page that shows them.
const FRESH_CODES_TTL_SECS: i64 = 10 * 60;

#[derive(Clone, Debug)]
pub struct SecondFactors {
    pub(super) db: Database,
    pub(super) keyring: Arc<Keyring>,
    pub(super) throttle: Throttle,
    /// `None` where Potions is reached at an IP address: no passkeys there.
    pub(super) relying_party: Option<RelyingParty>,
}

/// Where a user's authenticator stands. `Debug` never prints the secret.
pub enum TotpState {
    Off,
    /// Set up but not confirmed yet: what the user's app needs.
    Enrolling {
        secret: Zeroizing<String>,
        uri: Zeroizing<String>,
    },
    On,
}

impl std::fmt::Debug for TotpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Off => "Off",
            Self::Enrolling { .. } => "Enrolling(<redacted>)",
            Self::On => "On",
        })
    }
}

#[derive(Debug)]
pub struct Status {
    pub totp: TotpState,
    pub passkeys: Vec<PasskeyInfo>,
    pub recovery_codes_left: i64,
}

fn binding(user_id: &UserId) -> Binding<'_> {
    Binding {
        owner_id: user_id.as_str(),
        row_id: user_id.as_str(),
        purpose: Purpose::TotpSecret,
    }
}

fn fresh_codes_binding(user_id: &UserId) -> Binding<'_> {
    Binding {
        owner_id: user_id.as_str(),
        row_id: user_id.as_str(),
        purpose: Purpose::FreshRecoveryCodes,
    }
}

impl SecondFactors {
    pub fn new(db: Database, keyring: Arc<Keyring>, relying_party: Option<RelyingParty>) -> Self {
        Self {
            throttle: Throttle::new(db.clone()),
            db,
            keyring,
            relying_party,
        }
    }

    /// The stored secret and whether it was confirmed (and when it was made).
    pub(super) async fn stored(
        &self,
        user_id: &UserId,
    ) -> Result<Option<(Zeroizing<Vec<u8>>, Option<i64>, i64)>, DomainError> {
        let row: Option<(String, String, String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT secret_key_id, secret_nonce, secret_ciphertext, confirmed_at, created_at \
             FROM totp_factors WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some((key_id, nonce, ciphertext, confirmed_at, created_at)) = row else {
            return Ok(None);
        };
        let sealed = Sealed {
            key_id,
            nonce,
            ciphertext,
        };
        let secret = self.keyring.open(&sealed, binding(user_id))?;
        Ok(Some((secret, confirmed_at, created_at)))
    }

    /// Whether signing in asks for a second step: an authenticator or a passkey.
    pub async fn any_on(&self, user_id: &UserId) -> Result<bool, DomainError> {
        Ok(self.totp_on(user_id).await? || self.has_passkey(user_id).await?)
    }

    pub(super) async fn totp_on(&self, user_id: &UserId) -> Result<bool, DomainError> {
        let on: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(on.is_some())
    }

    pub async fn status(&self, user: &User) -> Result<Status, DomainError> {
        let totp = match self.stored(&user.id).await? {
            None => TotpState::Off,
            Some((_, Some(_), _)) => TotpState::On,
            Some((_, None, created_at)) if now_unix() - created_at > ENROLMENT_TTL_SECS => {
                TotpState::Off
            }
            Some((secret, None, _)) => TotpState::Enrolling {
                secret: totp::encoded(&secret),
                uri: totp::otpauth_uri(&secret, &user.email),
            },
        };
        let (left,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(&user.id)
        .fetch_one(self.db.pool())
        .await?;
        Ok(Status {
            totp,
            passkeys: self.passkeys(&user.id).await?,
            recovery_codes_left: left,
        })
    }

    /// Makes a new secret for the user's app, not in force until confirmed.
    pub async fn begin_totp(&self, user_id: &UserId) -> Result<(), DomainError> {
        if self.totp_on(user_id).await? {
            return Err(DomainError::Refused(Refusal::TotpAlreadyOn));
        }
        let secret = totp::new_secret();
        let sealed = self.keyring.seal(&secret, binding(user_id))?;
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO totp_factors (user_id, secret_key_id, secret_nonce, secret_ciphertext, \
             created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A code from the app turns two-factor sign-in on, and the first
    /// recovery codes are made (shown to the user once).
    pub async fn confirm_totp(
        &self,
        user_id: &UserId,
        code: &str,
    ) -> Result<RecoveryCodes, DomainError> {
        let now = now_unix();
        let secret = match self.stored(user_id).await? {
            Some((secret, None, created_at)) if now - created_at <= ENROLMENT_TTL_SECS => secret,
            Some((_, Some(_), _)) => return Err(DomainError::Refused(Refusal::TotpAlreadyOn)),
            _ => return Err(DomainError::Refused(Refusal::TotpNotEnrolling)),
        };
        let step = self
            .guarded(user_id, async {
                Ok(totp::matching_step(&secret, code, now))
            })
            .await
            .map_err(|err| match err {
                DomainError::Refused(Refusal::SecondFactorWrong) => {
                    DomainError::Refused(Refusal::EnrolmentCodeWrong)
                }
                err => err,
            })?;
        let mut tx = self.db.pool().begin().await?;
        let confirmed = sqlx::query(
            "UPDATE totp_factors SET confirmed_at = $1, last_used_step = $2 \
             WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(now)
        .bind(step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if confirmed.rows_affected() != 1 {
            return Err(DomainError::Refused(Refusal::TotpAlreadyOn));
        }
        let codes = self.replace_codes(&mut tx, user_id).await?;
        tx.commit().await?;
        tracing::info!(%user_id, "two-factor sign-in turned on");
        Ok(codes)
    }

    /// A new set of recovery codes; the old ones stop working.
    pub async fn regenerate_codes(&self, user_id: &UserId) -> Result<RecoveryCodes, DomainError> {
        if !self.any_on(user_id).await? {
            return Err(DomainError::Refused(Refusal::TotpNotEnrolling));
        }
        let mut tx = self.db.pool().begin().await?;
        let codes = self.replace_codes(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// A new set of recovery codes, also kept sealed for a few minutes
    /// until the Security page shows them (after a form posted without
    /// JavaScript, the answer itself is a redirect).
    pub(super) async fn replace_codes(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: &UserId,
    ) -> Result<RecoveryCodes, DomainError> {
        let codes = recovery::replace_all(tx, user_id).await?;
        let joined = Zeroizing::new(
            codes
                .0
                .iter()
                .map(|code| code.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let sealed = self
            .keyring
            .seal(joined.as_bytes(), fresh_codes_binding(user_id))?;
        sqlx::query("DELETE FROM fresh_recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO fresh_recovery_codes \
             (user_id, codes_key_id, codes_nonce, codes_ciphertext, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now_unix() + FRESH_CODES_TTL_SECS)
        .execute(&mut **tx)
        .await?;
        Ok(codes)
    }

    /// The newest recovery codes if they have not been shown yet: answered
    /// once, then forgotten.
    pub async fn take_fresh_codes(&self, user_id: &UserId) -> Result<RecoveryCodes, DomainError> {
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "DELETE FROM fresh_recovery_codes WHERE user_id = $1 \
             RETURNING codes_key_id, codes_nonce, codes_ciphertext, expires_at",
        )
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some((key_id, nonce, ciphertext, expires_at)) = row else {
            return Ok(RecoveryCodes(Vec::new()));
        };
        if expires_at <= now_unix() {
            return Ok(RecoveryCodes(Vec::new()));
        }
        let sealed = Sealed {
            key_id,
            nonce,
            ciphertext,
        };
        let joined = self.keyring.open(&sealed, fresh_codes_binding(user_id))?;
        let joined = String::from_utf8_lossy(&joined);
        Ok(RecoveryCodes(
            joined
                .lines()
                .map(|code| Zeroizing::new(code.to_string()))
                .collect(),
        ))
    }

    /// Turns the authenticator off. With no passkey left either, the
    /// recovery codes go too.
    pub async fn turn_off(&self, user_id: &UserId) -> Result<(), DomainError> {
        sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(self.db.pool())
            .await?;
        self.forget_codes_without_factor(user_id).await?;
        tracing::info!(%user_id, "authenticator turned off");
        Ok(())
    }

    /// Recovery codes stand in for a factor: without one they are deleted.
    pub(super) async fn forget_codes_without_factor(
        &self,
        user_id: &UserId,
    ) -> Result<(), DomainError> {
        sqlx::query(
            "DELETE FROM recovery_codes WHERE user_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM totp_factors \
                             WHERE user_id = $1 AND confirmed_at IS NOT NULL)",
        )
        .bind(user_id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn a_status_never_prints_the_secret() {
        let secret = totp::new_secret();
        let status = Status {
            totp: TotpState::Enrolling {
                secret: totp::encoded(&secret),
                uri: totp::otpauth_uri(&secret, "ada@example.com"),
            },
            passkeys: Vec::new(),
            recovery_codes_left: 0,
        };
        let shown = format!("{status:?}");
        assert!(!shown.contains(totp::encoded(&secret).as_str()), "{shown}");
        assert!(shown.contains("Enrolling(<redacted>)"));
    }
}
