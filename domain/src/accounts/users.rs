//! Sign-up and sign-in.

use crate::error::Refusal;
use model::UserId;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::accounts::password;
use crate::accounts::throttle::{
    account_and_address_key, account_key, address_key, sign_up_key, Throttle, ThrottlePolicy,
};
use crate::clock::now_unix;
use crate::db::{new_id, Database};
use crate::error::DomainError;

pub const MAX_EMAIL_CHARS: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
}

/// Trims and lower-cases an address and checks its shape: one `@`, a
/// non-empty local part, a dotted domain, no spaces or control characters.
pub fn normalize_email(raw: &str) -> Result<String, DomainError> {
    let email = raw.trim().to_lowercase();
    let valid_shape = email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid_shape {
        Ok(email)
    } else {
        Err(DomainError::Refused(Refusal::InvalidEmail))
    }
}

#[derive(Clone, Debug)]
pub struct Accounts {
    db: Database,
    throttle: Throttle,
    /// Sign-ins and sign-ups in progress: each takes several database writes
    /// and a hash, so a flood waits here rather than holding every pooled
    /// connection that health checks and pages need.
    in_progress: Arc<Semaphore>,
}

impl Accounts {
    pub fn new(db: Database) -> Self {
        let throttle = Throttle::new(db.clone());
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            db,
            throttle,
            in_progress: Arc::new(Semaphore::new(2 * cores)),
        }
    }

    async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, DomainError> {
        self.in_progress
            .acquire()
            .await
            .map_err(|_| DomainError::Hashing)
    }

    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        client_address: &str,
    ) -> Result<User, DomainError> {
        let _turn = self.turn().await?;
        let email = normalize_email(email);
        // Every sign-up counts, whatever its outcome: it costs a hash, and
        // "already exists" tells whether an email has an account.
        self.throttle
            .begin(&[(
                sign_up_key(client_address),
                ThrottlePolicy::SIGN_UPS_PER_ADDRESS,
            )])
            .await?;
        let email = email?;
        password::check_policy(password)?;
        let password_hash = password::hash_password(password).await?;
        let user = User {
            id: UserId::new(new_id()),
            email,
        };
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&password_hash)
        .bind(now_unix())
        .execute(self.db.pool())
        .await;
        match inserted {
            Ok(_) => Ok(user),
            Err(err) if DomainError::is_unique_violation(&err) => {
                Err(DomainError::Refused(Refusal::EmailTaken))
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Checks credentials under the per-account and per-address throttles.
    /// Unknown email and wrong password fail identically.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client_address: &str,
    ) -> Result<User, DomainError> {
        let _turn = self.turn().await?;
        let address = (address_key(client_address), ThrottlePolicy::PER_ADDRESS);
        let Ok(email) = normalize_email(email) else {
            // No account can match: counted against the address, never hashed.
            self.throttle.begin(&[address]).await?;
            return Err(DomainError::Refused(Refusal::InvalidCredentials));
        };
        let keys = [
            (
                account_and_address_key(&email, client_address),
                ThrottlePolicy::PER_ACCOUNT_AND_ADDRESS,
            ),
            (account_key(&email), ThrottlePolicy::PER_ACCOUNT),
            address,
        ];
        let attempt = self.throttle.begin(&keys).await?;

        let row: Option<(UserId, String)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(self.db.pool())
                .await?;
        let verified =
            password::verify_password(password, row.as_ref().map(|(_, hash)| hash.clone())).await;
        match row {
            Some((id, _)) if verified => {
                self.throttle
                    .succeeded(attempt, &[&keys[0].0, &keys[1].0])
                    .await?;
                Ok(User { id, email })
            }
            // The attempt stays counted: it is the failure.
            _ => Err(DomainError::Refused(Refusal::InvalidCredentials)),
        }
    }

    /// The account an email belongs to, if any (to record a failed sign-in).
    pub async fn user_id_for(&self, email: &str) -> Result<Option<UserId>, DomainError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let row: Option<(UserId,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.map(|(id,)| id))
    }

    /// The signed-in user's password, entered again before a factor changes
    /// (counted with the account's sign-in failures).
    pub async fn confirm_password(&self, user: &User, password: &str) -> Result<(), DomainError> {
        let _turn = self.turn().await?;
        let key = account_key(&user.email);
        let attempt = self
            .throttle
            .begin(&[(key.clone(), ThrottlePolicy::PER_ACCOUNT)])
            .await?;
        let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(&user.id)
            .fetch_one(self.db.pool())
            .await?;
        if password::verify_password(password, Some(hash)).await {
            self.throttle.succeeded(attempt, &[&key]).await
        } else {
            Err(DomainError::Refused(Refusal::WrongPassword))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").ok().as_deref(),
            Some("ada@example.com")
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a b@example.com",
            "ada@@x.io",
            "ada@.io",
            "ada@io.",
            "ad\u{0}a@x.io",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalize_email(&format!("{}@x.io", "a".repeat(260))).is_err());
    }
}
