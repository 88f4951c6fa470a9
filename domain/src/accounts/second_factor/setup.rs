//! Setting the authenticator up and turning it off (after the caller
//! re-checked the password), recovery codes made and taken, and what the
//! Security page shows.

use super::{totp, PasskeyInfo, RecoveryCodes, RelyingParty};
use crate::error::Refusal;
use model::UserId;
use std::sync::Arc;
use zeroize::Zeroizing;

use crate::accounts::sessions::BrowserSession;
use crate::accounts::throttle::Throttle;
use crate::accounts::User;
use crate::clock::now_unix;
use crate::crypto::{Binding, Keyring, Purpose, Sealed};
use crate::db::Database;
use crate::error::DomainError;

/// An unconfirmed secret is offered this long before it must be started again.
const ENROLMENT_TTL_SECS: i64 = 15 * 60;

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
        Ok(self
            .stored_with_session(user_id)
            .await?
            .map(|(secret, confirmed_at, created_at, _)| (secret, confirmed_at, created_at)))
    }

    /// As [`Self::stored`], with the session that began setting it up.
    async fn stored_with_session(
        &self,
        user_id: &UserId,
    ) -> Result<Option<(Zeroizing<Vec<u8>>, Option<i64>, i64, String)>, DomainError> {
        let row: Option<(String, String, String, Option<i64>, i64, String)> = sqlx::query_as(
            "SELECT secret_key_id, secret_nonce, secret_ciphertext, confirmed_at, created_at, \
             enrolling_session FROM totp_factors WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some((key_id, nonce, ciphertext, confirmed_at, created_at, session)) = row else {
            return Ok(None);
        };
        let sealed = Sealed {
            key_id,
            nonce,
            ciphertext,
        };
        let secret = self.keyring.open(&sealed, binding(user_id))?;
        Ok(Some((secret, confirmed_at, created_at, session)))
    }

    /// The secret being set up by `session`, while set-up lasts.
    async fn enrolling_in(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, DomainError> {
        Ok(match self.stored_with_session(user_id).await? {
            Some((secret, None, created_at, began_in))
                if now_unix() - created_at <= ENROLMENT_TTL_SECS && began_in == session.key() =>
            {
                Some(secret)
            }
            _ => None,
        })
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

    /// What the Security page shows `session`: an authenticator being set up
    /// only to the session that began it.
    pub async fn status(
        &self,
        user: &User,
        session: &BrowserSession,
    ) -> Result<Status, DomainError> {
        let totp = if self.totp_on(&user.id).await? {
            TotpState::On
        } else {
            match self.enrolling_in(&user.id, session).await? {
                Some(secret) => TotpState::Enrolling {
                    secret: totp::encoded(&secret),
                    uri: totp::otpauth_uri(&secret, &user.email),
                },
                None => TotpState::Off,
            }
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
    pub async fn begin_totp(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
    ) -> Result<(), DomainError> {
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
             created_at, enrolling_session) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now_unix())
        .bind(session.key())
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
        session: &BrowserSession,
        code: &str,
    ) -> Result<RecoveryCodes, DomainError> {
        let now = now_unix();
        if self.totp_on(user_id).await? {
            return Err(DomainError::Refused(Refusal::TotpAlreadyOn));
        }
        let secret = self
            .enrolling_in(user_id, session)
            .await?
            .ok_or(DomainError::Refused(Refusal::TotpNotEnrolling))?;
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
        let codes = self.replace_codes(&mut tx, user_id, session).await?;
        tx.commit().await?;
        tracing::info!(%user_id, "two-factor sign-in turned on");
        Ok(codes)
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
