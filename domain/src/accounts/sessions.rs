//! Server-side sessions. The cookie carries a random secret; the table keeps
//! only its SHA-256, with an absolute expiry, and what the user sees of each
//! signed-in browser (user agent, address, when it was last seen). A session
//! is named to its user by a handle derived from the stored hash, which
//! cannot be turned back into a cookie.

use crate::error::Refusal;
use base64::Engine as _;
use model::UserId;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::clock::now_unix;
use crate::db::Database;
use crate::error::DomainError;

pub const SESSION_TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// "Last seen" is written at most this often per session.
const LAST_SEEN_EVERY_SECS: i64 = 60;
/// Longest user agent kept.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Where a session was started from, as the browser and the network said.
#[derive(Debug, Clone, Default)]
pub struct SessionOrigin {
    pub user_agent: String,
    pub client_address: String,
}

/// A signed-in browser, as its user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub handle: String,
    pub user_agent: String,
    pub client_address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    /// E.g. `password`.
    pub factors: String,
    /// The browser asking.
    pub current: bool,
}

/// A user agent as stored: printable, and not too long.
fn clean_user_agent(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(MAX_USER_AGENT_CHARS)
        .collect()
}

/// The name a session goes by on the Sessions page.
fn handle_of(id_hash: &str) -> String {
    let digest = Sha256::digest(format!("potions session handle {id_hash}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The secret a browser presents. Never logged: `Debug` is redacted.
pub struct SessionSecret(Zeroizing<String>);

impl SessionSecret {
    pub(crate) fn generate() -> Self {
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

/// The key a secret is looked up by, if it is well-formed enough to look up.
pub(crate) fn lookup_key(secret: &str) -> Option<String> {
    plausible(secret).then(|| hash_secret(secret))
}

/// Notes that a live session was seen, at most once a minute. Only the
/// Sessions page shows it, so a failure here fails no request.
pub(crate) async fn note_seen(db: &Database, id_hash: &str, last_seen_at: i64, now: i64) {
    if now - last_seen_at < LAST_SEEN_EVERY_SECS {
        return;
    }
    let seen = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db.pool())
        .await;
    if let Err(err) = seen {
        tracing::warn!(error = %err, "could not note when a session was last seen");
    }
}

/// Whether a session whose row says `expires_at` is still valid at `now`.
pub fn is_live(expires_at: i64, now: i64) -> bool {
    now < expires_at
}

/// A signed-in browser, by the hash of its cookie's secret (as sessions are
/// stored): what a flow begun in one browser is bound to.
#[derive(Clone, PartialEq, Eq)]
pub struct BrowserSession(String);

/// The hash is the session's key in the database: not printed either.
impl std::fmt::Debug for BrowserSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BrowserSession(<redacted>)")
    }
}

impl BrowserSession {
    pub fn of(secret: &str) -> Self {
        Self(hash_secret(secret))
    }

    pub(crate) fn key(&self) -> &str {
        &self.0
    }
}

/// What a sign-in proved, as its session keeps it.
#[derive(Debug, Clone, Copy)]
pub struct SignInProof<'a> {
    /// What was asked, as the Sessions page shows it.
    pub factors: &'a str,
    /// Wrong second steps since the previous sign-in, which the new session
    /// tells its user about.
    pub wrong_second_steps_before: i64,
    /// Whether a second factor was checked: a destructive step soon after
    /// need not ask for it again.
    pub second_factor: bool,
}

/// How long after signing in a session tells of wrong second steps before it.
pub const WRONG_STEPS_NOTICE_SECS: i64 = 3600;

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
    /// `factors` says what the user proved, e.g. `password`.
    pub async fn create(
        &self,
        user_id: &UserId,
        origin: &SessionOrigin,
        proof: &SignInProof<'_>,
    ) -> Result<SessionSecret, DomainError> {
        let secret = SessionSecret::generate();
        let now = now_unix();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, user_agent, \
             client_address, last_seen_at, factors, second_step_failures_before, \
             second_factor_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(hash_secret(secret.expose()))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_TTL_SECS)
        .bind(clean_user_agent(&origin.user_agent))
        .bind(&origin.client_address)
        .bind(now)
        .bind(proof.factors)
        .bind(proof.wrong_second_steps_before)
        .bind(proof.second_factor.then_some(now))
        .execute(self.db.pool())
        .await?;
        Ok(secret)
    }

    /// The user's live sessions, the most recently seen first.
    pub async fn list(
        &self,
        user_id: &UserId,
        current_secret: &str,
    ) -> Result<Vec<SessionInfo>, DomainError> {
        let current = hash_secret(current_secret);
        let rows: Vec<(String, String, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id_hash, user_agent, client_address, created_at, last_seen_at, factors \
             FROM sessions WHERE user_id = $1 AND expires_at > $2 \
             ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(user_id)
        .bind(now_unix())
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id_hash, user_agent, client_address, signed_in_at, last_seen_at, factors)| {
                    SessionInfo {
                        handle: handle_of(&id_hash),
                        current: id_hash == current,
                        user_agent,
                        client_address,
                        signed_in_at,
                        last_seen_at,
                        factors,
                    }
                },
            )
            .collect())
    }

    /// Ends one of the user's sessions by its handle.
    pub async fn end(&self, user_id: &UserId, handle: &str) -> Result<(), DomainError> {
        let hashes: Vec<(String,)> =
            sqlx::query_as("SELECT id_hash FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(self.db.pool())
                .await?;
        let (id_hash,) = hashes
            .into_iter()
            .find(|(id_hash,)| bool::from(handle_of(id_hash).as_bytes().ct_eq(handle.as_bytes())))
            .ok_or(DomainError::Refused(Refusal::SessionNotFound))?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2")
            .bind(id_hash)
            .bind(user_id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of the user but the current one; returns how many.
    pub async fn end_others(
        &self,
        user_id: &UserId,
        current_secret: &str,
    ) -> Result<u64, DomainError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(hash_secret(current_secret))
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
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
    fn handles_name_sessions_without_revealing_them() {
        let secret = SessionSecret::generate();
        let id_hash = hash_secret(secret.expose());
        let handle = handle_of(&id_hash);
        assert_eq!(handle.len(), 32);
        assert!(!id_hash.contains(&handle) && !secret.expose().contains(&handle));
        assert_eq!(handle, handle_of(&id_hash), "stable");
        assert_ne!(handle, handle_of(&hash_secret("another")));
    }

    #[test]
    fn user_agents_are_stored_printable_and_short() {
        assert_eq!(clean_user_agent("Firefox\r\nX-Evil: 1"), "FirefoxX-Evil: 1");
        assert_eq!(
            clean_user_agent(&"a".repeat(1000)).len(),
            MAX_USER_AGENT_CHARS
        );
    }

    #[test]
    fn the_table_stores_a_hash_not_the_secret() {
        let h = hash_secret("abc");
        assert_eq!(h.len(), 64);
        assert_ne!(h, "abc");
    }
}
