//! Recovery codes made anew (after the password, or with the first second
//! factor), and kept sealed for a few minutes for the session that asked,
//! whose Security page shows them (a form posted without JavaScript is
//! answered by a redirect, so the page shows them on its next load).

use model::UserId;
use zeroize::Zeroizing;

use super::{recovery, RecoveryCodes, SecondFactors};
use crate::accounts::sessions::BrowserSession;
use crate::clock::now_unix;
use crate::crypto::{Binding, Purpose, Sealed};
use crate::error::{DomainError, Refusal};

/// New recovery codes wait this long for the page that shows them.
const FRESH_CODES_TTL_SECS: i64 = 10 * 60;

fn fresh_codes_binding(user_id: &UserId) -> Binding<'_> {
    Binding {
        owner_id: user_id.as_str(),
        row_id: user_id.as_str(),
        purpose: Purpose::FreshRecoveryCodes,
    }
}

impl SecondFactors {
    /// A new set of recovery codes; the old ones stop working.
    pub async fn regenerate_codes(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
    ) -> Result<RecoveryCodes, DomainError> {
        if !self.any_on(user_id).await? {
            return Err(DomainError::Refused(Refusal::TotpNotEnrolling));
        }
        let mut tx = self.db.pool().begin().await?;
        let codes = self.replace_codes(&mut tx, user_id, session).await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// A new set of recovery codes, also kept sealed for a few minutes for
    /// the session that asked, whose Security page shows them (after a form
    /// posted without JavaScript, the answer itself is a redirect).
    pub(super) async fn replace_codes(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: &UserId,
        session: &BrowserSession,
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
             (user_id, codes_key_id, codes_nonce, codes_ciphertext, expires_at, session_hash) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now_unix() + FRESH_CODES_TTL_SECS)
        .bind(session.key())
        .execute(&mut **tx)
        .await?;
        Ok(codes)
    }

    /// The newest recovery codes, for the session that asked for them, for
    /// a few minutes: reading the page does not use them up (a reload shows
    /// them again), and no other session of the user ever sees them.
    pub async fn fresh_codes(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
    ) -> Result<RecoveryCodes, DomainError> {
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT codes_key_id, codes_nonce, codes_ciphertext, expires_at \
             FROM fresh_recovery_codes WHERE user_id = $1 AND session_hash = $2",
        )
        .bind(user_id)
        .bind(session.key())
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
}
