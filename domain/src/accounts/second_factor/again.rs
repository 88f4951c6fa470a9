//! Asking a signed-in user again before a step that destroys or takes a
//! safety net away (LIFECYCLE.md, "Destructive actions ask again"): with an
//! authenticator, a second factor checked in this session within the last
//! five minutes (at sign-in, or here) is enough; otherwise a fresh code from
//! it or a recovery code, checked as at sign-in (throttled, each code once,
//! counted in the account's wrong steps). Without one, the password.

use model::{AskAgain, UserId};

use super::SecondFactors;
use crate::accounts::sessions::BrowserSession;
use crate::clock::now_unix;
use crate::error::{DomainError, Refusal};

/// How long a second factor checked in a session counts as recent.
pub const RECENT_SECS: i64 = 5 * 60;

impl SecondFactors {
    /// What a destructive step of `session` asks for now. Passkeys alone
    /// cannot be asked in a plain form: such an account gives its password.
    pub async fn ask_again(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
    ) -> Result<AskAgain, DomainError> {
        if !self.totp_on(user_id).await? {
            return Ok(AskAgain::Password);
        }
        let checked: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT second_factor_at FROM sessions WHERE id_hash = $1 AND user_id = $2",
        )
        .bind(session.key())
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        let recent = matches!(checked, Some((Some(at),)) if at > now_unix() - RECENT_SECS);
        Ok(if recent {
            AskAgain::Recent
        } else {
            AskAgain::Code
        })
    }

    /// Checks a code typed again in `session`; right, the session's second
    /// factor counts as checked now. An empty code asks for one.
    pub async fn check_again(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
        code: &str,
    ) -> Result<(), DomainError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(DomainError::Refused(Refusal::SecondFactorAgain));
        }
        let now = now_unix();
        let secret = match self.stored(user_id).await? {
            Some((secret, Some(_), _)) => secret,
            _ => return Err(DomainError::Refused(Refusal::SecondFactorWrong)),
        };
        self.guarded(user_id, async {
            let failures_before = self.count_account_attempt(user_id).await?;
            self.check_code(user_id, Some(&secret), code, now, failures_before)
                .await
        })
        .await?;
        self.clear_account_failures(user_id).await?;
        sqlx::query(
            "UPDATE sessions SET second_factor_at = $1 WHERE id_hash = $2 AND user_id = $3",
        )
        .bind(now)
        .bind(session.key())
        .bind(user_id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}
