//! Server-side sessions. The cookie carries a random secret; the table keeps
//! only its SHA-256, with an absolute expiry.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::accounts::User;
use crate::clock::now_unix;
use crate::db::Database;
use crate::error::DomainError;

pub const SESSION_TTL_SECS: i64 = 7 * 24 * 60 * 60;

/// The secret a browser presents. Never logged: `Debug` is redacted.
pub struct SessionSecret(Zeroizing<String>);

impl SessionSecret {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSecret(<redacted>)")
    }
}

/// A secret well-formed enough to look up: 43 URL-safe characters.
fn plausible(secret: &str) -> bool {
    secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// SHA-256, hex: how secrets a browser presents are stored and compared.
pub(crate) fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a session whose row says `expires_at` is still valid at `now`.
pub fn is_live(expires_at: i64, now: i64) -> bool {
    now < expires_at
}

#[derive(Clone, Debug)]
pub struct Sessions {
    db: Database,
}

impl Sessions {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Starts a new session: always a fresh secret, so a session id planted
    /// before sign-in is never promoted.
    pub async fn create(&self, user_id: &str) -> Result<SessionSecret, DomainError> {
        let secret = SessionSecret::generate();
        let now = now_unix();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_secret(secret.expose()))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_TTL_SECS)
        .execute(self.db.pool())
        .await?;
        Ok(secret)
    }

    /// The signed-in user for a cookie secret, if the session exists and is live.
    pub async fn user(&self, secret: &str) -> Result<Option<User>, DomainError> {
        if !plausible(secret) {
            return Ok(None);
        }
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.email, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        )
        .bind(hash_secret(secret))
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row
            .filter(|(_, _, expires_at)| is_live(*expires_at, now_unix()))
            .map(|(id, email, _)| User { id, email }))
    }

    pub async fn revoke(&self, secret: &str) -> Result<(), DomainError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(hash_secret(secret))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired rows; returns how many went.
    pub async fn purge_expired(&self) -> Result<u64, DomainError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_unix())
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_is_live_strictly_before_its_expiry() {
        assert!(is_live(100, 99));
        assert!(!is_live(100, 100));
        assert!(!is_live(100, 101));
    }

    #[test]
    fn secrets_are_random_and_plausible() {
        let a = SessionSecret::generate();
        let b = SessionSecret::generate();
        assert_ne!(a.expose(), b.expose());
        assert!(plausible(a.expose()));
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn forged_secrets_are_rejected_before_any_lookup() {
        assert!(!plausible(""));
        assert!(!plausible("short"));
        assert!(!plausible(&"a".repeat(44)));
        assert!(!plausible(&format!("{}'", "a".repeat(42))));
    }

    #[test]
    fn the_table_stores_a_hash_not_the_secret() {
        let h = hash_secret("abc");
        assert_eq!(h.len(), 64);
        assert_ne!(h, "abc");
    }
}
