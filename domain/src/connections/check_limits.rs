//! Every token check costs Hetzner calls from Potions' own address and tells
//! valid, rejected and Read-only tokens apart, so checks are limited per user
//! and per token (by its fingerprint, whoever sends it), on every instance.

use super::Connections;
use crate::accounts::throttle::{OverLimit, ThrottlePolicy};
use crate::error::DomainError;
use model::UserId;

/// Token checks (connect, replace token, re-check) allowed per 10 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckLimits {
    pub per_user: usize,
    pub per_token: usize,
}

impl Default for CheckLimits {
    fn default() -> Self {
        Self {
            per_user: 30,
            per_token: 10,
        }
    }
}

fn per_ten_minutes(max: usize) -> ThrottlePolicy {
    ThrottlePolicy {
        max_failures: max,
        window_secs: 10 * 60,
        over_limit: OverLimit::Wait,
    }
}

impl Connections {
    pub fn with_check_limits(self, check_limits: CheckLimits) -> Self {
        Self {
            check_limits,
            ..self
        }
    }

    /// Counts one token check, or refuses it with when to try again.
    pub(super) async fn count_token_check(
        &self,
        user_id: &UserId,
        token_hmac: &str,
    ) -> Result<(), DomainError> {
        self.throttle
            .begin(&[
                (
                    format!("token-checks:user:{user_id}"),
                    per_ten_minutes(self.check_limits.per_user),
                ),
                (
                    format!("token-checks:token:{token_hmac}"),
                    per_ten_minutes(self.check_limits.per_token),
                ),
            ])
            .await
            .map(drop)
    }
}
