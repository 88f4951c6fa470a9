//! Connected cloud projects: validating a Hetzner token, keeping it sealed,
//! and the user's Potions SSH key in each project.

use futures::future::join_all;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

use crate::clock::now_unix;
use crate::crypto::{Binding, Keyring, Purpose, Sealed};
use crate::db::{new_id, Database};
use crate::error::DomainError;
use crate::hetzner::{ApiToken, ErrorKind, HetznerClient, HetznerError, Labels, ListParams};
use crate::ssh;

pub const MAX_LABEL_CHARS: usize = 64;
pub const DEFAULT_LABEL: &str = "Hetzner project";
pub const PROVIDER_HETZNER: &str = "hetzner";
/// The label Potions puts on everything it creates in a project.
pub const MANAGED_BY: (&str, &str) = ("managed-by", "potions");
/// How long a project's server count is reused.
const COUNT_TTL: Duration = Duration::from_secs(30);
/// How long the Dashboard waits for one project's count.
const COUNT_BUDGET: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionStatus {
    Connected,
    /// Hetzner last rejected the token.
    NeedsAttention,
}

impl ConnectionStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NeedsAttention => "needs_attention",
        }
    }

    fn parse(raw: &str) -> Self {
        if raw == "needs_attention" {
            Self::NeedsAttention
        } else {
            Self::Connected
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub id: String,
    pub provider: String,
    pub label: String,
    pub status: ConnectionStatus,
    pub ssh_key_id: i64,
    pub connected_at: i64,
    pub last_verified_at: i64,
}

/// Trims a label and checks it: at most 64 characters, no control
/// characters; empty means the default.
pub fn normalize_label(raw: &str) -> Result<String, DomainError> {
    let label: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match label.chars().count() {
        0 => Ok(DEFAULT_LABEL.into()),
        n if n <= MAX_LABEL_CHARS => Ok(label),
        _ => Err(DomainError::LabelTooLong),
    }
}

fn managed_labels() -> Labels {
    BTreeMap::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())])
}

/// The user's Potions key pair, as stored or freshly made (not yet stored).
struct UserKey {
    public_key: String,
    fingerprint: String,
    /// `Some` when the pair is new and must be stored with the connection.
    unsaved: Option<Sealed>,
}

type ConnectionRow = (String, String, String, String, i64, i64, i64);

fn to_connection(row: ConnectionRow) -> Connection {
    let (id, provider, label, status, ssh_key_id, connected_at, last_verified_at) = row;
    Connection {
        id,
        provider,
        label,
        status: ConnectionStatus::parse(&status),
        ssh_key_id,
        connected_at,
        last_verified_at,
    }
}

const CONNECTION_COLUMNS: &str =
    "id, provider, label, status, ssh_key_id, connected_at, last_verified_at";

/// Which message a failed check deserves: a rejected token outranks a
/// read-only one, which outranks a rate limit, which outranks an outage.
fn classify(read: Option<&HetznerError>, write: Option<&HetznerError>) -> DomainError {
    let kinds: Vec<&ErrorKind> = [read, write]
        .into_iter()
        .flatten()
        .map(|e| &e.kind)
        .collect();
    if kinds.contains(&&ErrorKind::Unauthorized) {
        return DomainError::TokenRejected;
    }
    if write.is_some_and(|e| matches!(e.kind, ErrorKind::ReadOnlyToken | ErrorKind::Forbidden)) {
        return DomainError::TokenReadOnly;
    }
    if let Some(reset) = kinds.iter().find_map(|k| match k {
        ErrorKind::RateLimited { reset_at } => Some(*reset_at),
        _ => None,
    }) {
        let retry_after_secs = reset.map(|r| r - now_unix()).unwrap_or(60).max(1);
        return DomainError::HetznerRateLimited { retry_after_secs };
    }
    DomainError::HetznerUnreachable
}

#[derive(Clone, Debug)]
pub struct Connections {
    db: Database,
    keyring: Arc<Keyring>,
    hetzner: HetznerClient,
    counts: Arc<Mutex<HashMap<String, (i64, Instant)>>>,
}

impl Connections {
    pub fn new(db: Database, keyring: Arc<Keyring>, hetzner: HetznerClient) -> Self {
        Self {
            db,
            keyring,
            hetzner,
            counts: Arc::default(),
        }
    }

    pub fn hetzner(&self) -> &HetznerClient {
        &self.hetzner
    }

    async fn user_key(&self, user_id: &str) -> Result<UserKey, DomainError> {
        let stored: Option<(String, String)> =
            sqlx::query_as("SELECT public_key, fingerprint FROM user_ssh_keys WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.db.pool())
                .await?;
        if let Some((public_key, fingerprint)) = stored {
            return Ok(UserKey {
                public_key,
                fingerprint,
                unsaved: None,
            });
        }
        let (public_key, seed) = ssh::generate_ed25519("potions");
        let fingerprint = ssh::md5_fingerprint(&public_key).ok_or(DomainError::Hashing)?;
        let binding = Binding {
            owner_id: user_id,
            row_id: user_id,
            purpose: Purpose::SshPrivateKey,
        };
        let sealed = self.keyring.seal(seed.as_ref(), binding)?;
        Ok(UserKey {
            public_key,
            fingerprint,
            unsaved: Some(sealed),
        })
    }

    /// Makes sure the user's key is in the project: uploads it, or finds it by
    /// fingerprint when Hetzner already has it. This write is also the proof
    /// that the token may write.
    async fn ensure_project_key(
        &self,
        token: &ApiToken,
        key: &UserKey,
    ) -> Result<i64, HetznerError> {
        let name = format!(
            "potions-{}",
            key.fingerprint.replace(':', "").get(..12).unwrap_or("key")
        );
        match self
            .hetzner
            .create_ssh_key(token, &name, &key.public_key, &managed_labels())
            .await
        {
            Ok(created) => Ok(created.value.id),
            Err(err) if matches!(err.kind, ErrorKind::Uniqueness { .. }) => {
                let params = ListParams {
                    fingerprint: Some(key.fingerprint.clone()),
                    ..ListParams::default()
                };
                let found = self.hetzner.list_ssh_keys(token, &params).await?;
                found.value.items.first().map(|k| k.id).ok_or(err)
            }
            Err(err) => Err(err),
        }
    }

    /// Checks a token both ways at once: a read (list one server) proves it
    /// is valid, a write (the SSH key) proves Read & Write. Returns the
    /// project's server count and the key's id.
    async fn validate(&self, token: &ApiToken, key: &UserKey) -> Result<(i64, i64), DomainError> {
        let one = ListParams {
            per_page: Some(1),
            ..ListParams::default()
        };
        let (read, write) = futures::join!(
            self.hetzner.list_servers(token, &one),
            self.ensure_project_key(token, key)
        );
        match (read, write) {
            (Ok(page), Ok(key_id)) => {
                let value = page.value;
                let count = value
                    .pagination
                    .and_then(|p| p.total_entries)
                    .unwrap_or(value.items.len() as i64);
                Ok((count, key_id))
            }
            (read, write) => {
                let (read, write) = (read.err(), write.err());
                for err in [&read, &write].into_iter().flatten() {
                    tracing::warn!(error = %err, "token check failed");
                }
                Err(classify(read.as_ref(), write.as_ref()))
            }
        }
    }

    async fn label_for_hmac(
        &self,
        user_id: &str,
        hmac: &str,
    ) -> Result<Option<String>, DomainError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT label FROM connections WHERE user_id = $1 AND token_hmac = $2")
                .bind(user_id)
                .bind(hmac)
                .fetch_optional(self.db.pool())
                .await?;
        Ok(row.map(|(l,)| l))
    }

    /// Validates and stores a Hetzner project's token. Nothing is written
    /// unless every check passed.
    pub async fn connect(
        &self,
        user_id: &str,
        label: &str,
        raw_token: &str,
    ) -> Result<Connection, DomainError> {
        let token = ApiToken::parse(raw_token).map_err(|_| DomainError::MalformedToken)?;
        let label = normalize_label(label)?;
        let hmac = self.keyring.token_fingerprint(token.expose_secret());
        if let Some(label) = self.label_for_hmac(user_id, &hmac).await? {
            return Err(DomainError::AlreadyConnected { label });
        }
        // Twice at most: if a concurrent connect stored a different key pair
        // for this user first, validate again with the stored one.
        for _ in 0..2 {
            let key = self.user_key(user_id).await?;
            let (count, ssh_key_id) = self.validate(&token, &key).await?;
            if let Some(connection) = self
                .store(user_id, &label, &token, &hmac, &key, ssh_key_id)
                .await?
            {
                self.remember_count(&connection.id, count);
                tracing::info!(user_id, connection_id = %connection.id, "hetzner project connected");
                return Ok(connection);
            }
        }
        Err(DomainError::HetznerUnreachable)
    }

    /// Stores the connection (and a new key pair) in one transaction. `None`
    /// when another request stored a different key pair for the user first.
    async fn store(
        &self,
        user_id: &str,
        label: &str,
        token: &ApiToken,
        hmac: &str,
        key: &UserKey,
        ssh_key_id: i64,
    ) -> Result<Option<Connection>, DomainError> {
        let mut tx = self.db.pool().begin().await?;
        let now = now_unix();
        if let Some(sealed) = &key.unsaved {
            sqlx::query(
                "INSERT INTO user_ssh_keys (user_id, public_key, fingerprint, private_key_id, private_nonce, private_ciphertext, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user_id)
            .bind(&key.public_key)
            .bind(&key.fingerprint)
            .bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let (stored,): (String,) =
                sqlx::query_as("SELECT fingerprint FROM user_ssh_keys WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if stored != key.fingerprint {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        let id = new_id();
        let sealed = self.keyring.seal(
            token.expose_secret().as_bytes(),
            Binding {
                owner_id: user_id,
                row_id: &id,
                purpose: Purpose::HetznerToken,
            },
        )?;
        let inserted = sqlx::query(
            "INSERT INTO connections (id, user_id, provider, label, token_hmac, token_key_id, token_nonce, token_ciphertext, \
             ssh_key_id, status, connected_at, last_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(PROVIDER_HETZNER)
        .bind(label)
        .bind(hmac)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(ssh_key_id)
        .bind(ConnectionStatus::Connected.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(err) if DomainError::is_unique_violation(&err) => {
                tx.rollback().await?;
                let label = self
                    .label_for_hmac(user_id, hmac)
                    .await?
                    .unwrap_or_default();
                return Err(DomainError::AlreadyConnected { label });
            }
            Err(err) => return Err(err.into()),
        }
        tx.commit().await?;
        Ok(Some(Connection {
            id,
            provider: PROVIDER_HETZNER.into(),
            label: label.into(),
            status: ConnectionStatus::Connected,
            ssh_key_id,
            connected_at: now,
            last_verified_at: now,
        }))
    }

    pub async fn list(&self, user_id: &str) -> Result<Vec<Connection>, DomainError> {
        let rows: Vec<ConnectionRow> = sqlx::query_as(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE user_id = $1 ORDER BY connected_at, id"
        ))
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(to_connection).collect())
    }

    /// One of the user's connections; another user's id is simply not found.
    pub async fn get(&self, user_id: &str, id: &str) -> Result<Connection, DomainError> {
        let row: Option<ConnectionRow> = sqlx::query_as(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(to_connection)
            .ok_or(DomainError::ConnectionNotFound)
    }

    /// The decrypted token of one of the user's connections.
    pub async fn token(&self, user_id: &str, id: &str) -> Result<ApiToken, DomainError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT token_key_id, token_nonce, token_ciphertext FROM connections WHERE user_id = $1 AND id = $2",
        )
        .bind(user_id)
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        let (key_id, nonce, ciphertext) = row.ok_or(DomainError::ConnectionNotFound)?;
        let plain = self.keyring.open(
            &Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            Binding {
                owner_id: user_id,
                row_id: id,
                purpose: Purpose::HetznerToken,
            },
        )?;
        let text = Zeroizing::new(
            String::from_utf8(plain.to_vec()).map_err(|_| crate::crypto::CryptoError::Decrypt)?,
        );
        ApiToken::parse(&text).map_err(|_| DomainError::Crypto(crate::crypto::CryptoError::Decrypt))
    }

    async fn mark_needs_attention(&self, id: &str) -> Result<(), DomainError> {
        sqlx::query("UPDATE connections SET status = $1 WHERE id = $2")
            .bind(ConnectionStatus::NeedsAttention.as_str())
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Records what a Hetzner answer says about the token: `unauthorized`
    /// means it no longer works, and the connection needs attention.
    pub async fn note_failure(&self, id: &str, err: &HetznerError) -> Result<(), DomainError> {
        if err.kind == ErrorKind::Unauthorized {
            tracing::warn!(
                connection_id = id,
                "token rejected by Hetzner: connection needs attention"
            );
            self.mark_needs_attention(id).await?;
        }
        Ok(())
    }

    /// Validates a connection's token again now.
    pub async fn recheck(&self, user_id: &str, id: &str) -> Result<Connection, DomainError> {
        let token = self.token(user_id, id).await?;
        let key = self.user_key(user_id).await?;
        match self.validate(&token, &key).await {
            Ok((count, ssh_key_id)) => {
                sqlx::query("UPDATE connections SET status = $1, last_verified_at = $2, ssh_key_id = $3 WHERE id = $4")
                    .bind(ConnectionStatus::Connected.as_str())
                    .bind(now_unix())
                    .bind(ssh_key_id)
                    .bind(id)
                    .execute(self.db.pool())
                    .await?;
                self.remember_count(id, count);
                self.get(user_id, id).await
            }
            Err(DomainError::TokenRejected) => {
                self.mark_needs_attention(id).await?;
                Err(DomainError::TokenRejected)
            }
            Err(err) => Err(err),
        }
    }

    /// Uploads the user's key to the project again (it was deleted there)
    /// and remembers its new id.
    pub async fn restore_project_key(
        &self,
        user_id: &str,
        id: &str,
        token: &ApiToken,
    ) -> Result<i64, DomainError> {
        let key = self.user_key(user_id).await?;
        let key_id = self
            .ensure_project_key(token, &key)
            .await
            .map_err(|err| classify(None, Some(&err)))?;
        sqlx::query("UPDATE connections SET ssh_key_id = $1 WHERE user_id = $2 AND id = $3")
            .bind(key_id)
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(key_id)
    }

    /// Replaces a connection's token (after the old one stopped working),
    /// with the same checks as connecting. Nothing changes unless they pass.
    pub async fn replace_token(
        &self,
        user_id: &str,
        id: &str,
        raw_token: &str,
    ) -> Result<Connection, DomainError> {
        let token = ApiToken::parse(raw_token).map_err(|_| DomainError::MalformedToken)?;
        self.get(user_id, id).await?;
        let key = self.user_key(user_id).await?;
        if key.unsaved.is_some() {
            // Every connection stored the user's key; none means a broken row.
            return Err(DomainError::ConnectionNotFound);
        }
        let (count, ssh_key_id) = self.validate(&token, &key).await?;
        let hmac = self.keyring.token_fingerprint(token.expose_secret());
        let sealed = self.keyring.seal(
            token.expose_secret().as_bytes(),
            Binding {
                owner_id: user_id,
                row_id: id,
                purpose: Purpose::HetznerToken,
            },
        )?;
        let updated = sqlx::query(
            "UPDATE connections SET token_hmac = $1, token_key_id = $2, token_nonce = $3, token_ciphertext = $4, \
             ssh_key_id = $5, status = $6, last_verified_at = $7 WHERE user_id = $8 AND id = $9",
        )
        .bind(&hmac)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(ssh_key_id)
        .bind(ConnectionStatus::Connected.as_str())
        .bind(now_unix())
        .bind(user_id)
        .bind(id)
        .execute(self.db.pool())
        .await;
        match updated {
            Ok(done) if done.rows_affected() == 0 => return Err(DomainError::ConnectionNotFound),
            Ok(_) => {}
            Err(err) if DomainError::is_unique_violation(&err) => {
                let label = self
                    .label_for_hmac(user_id, &hmac)
                    .await?
                    .unwrap_or_default();
                return Err(DomainError::AlreadyConnected { label });
            }
            Err(err) => return Err(err.into()),
        }
        self.remember_count(id, count);
        tracing::info!(user_id, connection_id = id, "token replaced");
        self.get(user_id, id).await
    }

    pub async fn rename(
        &self,
        user_id: &str,
        id: &str,
        label: &str,
    ) -> Result<Connection, DomainError> {
        let label = normalize_label(label)?;
        let done = sqlx::query("UPDATE connections SET label = $1 WHERE user_id = $2 AND id = $3")
            .bind(&label)
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(DomainError::ConnectionNotFound);
        }
        self.get(user_id, id).await
    }

    /// Forgets a connection and its sealed token. Makes no call to Hetzner.
    pub async fn disconnect(&self, user_id: &str, id: &str) -> Result<(), DomainError> {
        let done = sqlx::query("DELETE FROM connections WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(DomainError::ConnectionNotFound);
        }
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(id);
        }
        tracing::info!(user_id, connection_id = id, "connection removed");
        Ok(())
    }

    fn remember_count(&self, id: &str, count: i64) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.insert(id.to_string(), (count, Instant::now()));
        }
    }

    fn cached_count(&self, id: &str) -> Option<i64> {
        let counts = self.counts.lock().ok()?;
        counts
            .get(id)
            .filter(|(_, at)| at.elapsed() < COUNT_TTL)
            .map(|(n, _)| *n)
    }

    async fn fetch_count(&self, user_id: &str, id: &str) -> Option<i64> {
        let token = self.token(user_id, id).await.ok()?;
        let one = ListParams {
            per_page: Some(1),
            ..ListParams::default()
        };
        match self.hetzner.list_servers(&token, &one).await {
            Ok(page) => {
                let count = page
                    .value
                    .pagination
                    .and_then(|p| p.total_entries)
                    .unwrap_or(page.value.items.len() as i64);
                self.remember_count(id, count);
                Some(count)
            }
            Err(err) => {
                let _ = self.note_failure(id, &err).await;
                None
            }
        }
    }

    /// Server counts of the user's connections, fetched concurrently and
    /// cached briefly. A project slower than the budget shows no count this
    /// time (its fetch finishes in the background and fills the cache).
    pub async fn server_counts(
        &self,
        user_id: &str,
        connections: &[Connection],
    ) -> HashMap<String, Option<i64>> {
        let lookups = connections.iter().map(|c| {
            let (this, user_id, id) = (self.clone(), user_id.to_string(), c.id.clone());
            async move {
                if let Some(n) = this.cached_count(&id) {
                    return (id, Some(n));
                }
                let fetch = tokio::spawn({
                    let (this, id) = (this.clone(), id.clone());
                    async move { this.fetch_count(&user_id, &id).await }
                });
                let count = tokio::time::timeout(COUNT_BUDGET, fetch)
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten();
                (id, count)
            }
        });
        join_all(lookups).await.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_bounded_and_defaulted() {
        assert_eq!(normalize_label("  prod  ").ok().as_deref(), Some("prod"));
        assert_eq!(normalize_label("   ").ok().as_deref(), Some(DEFAULT_LABEL));
        assert_eq!(
            normalize_label(&"é".repeat(64))
                .map(|l| l.chars().count())
                .ok(),
            Some(64)
        );
        assert!(matches!(
            normalize_label(&"a".repeat(65)),
            Err(DomainError::LabelTooLong)
        ));
        assert_eq!(normalize_label("a\nb\u{0}c").ok().as_deref(), Some("a b c"));
    }

    fn err(kind: ErrorKind) -> HetznerError {
        HetznerError::new(kind)
    }

    #[test]
    fn the_most_telling_failure_wins() {
        let unauthorized = err(ErrorKind::Unauthorized);
        let readonly = err(ErrorKind::ReadOnlyToken);
        let limited = err(ErrorKind::RateLimited {
            reset_at: Some(now_unix() + 300),
        });
        let down = err(ErrorKind::ServerError { status: 503 });
        assert!(matches!(
            classify(Some(&unauthorized), Some(&unauthorized)),
            DomainError::TokenRejected
        ));
        assert!(matches!(
            classify(None, Some(&readonly)),
            DomainError::TokenReadOnly
        ));
        assert!(matches!(
            classify(None, Some(&err(ErrorKind::Forbidden))),
            DomainError::TokenReadOnly
        ));
        assert!(matches!(
            classify(Some(&limited), Some(&readonly)),
            DomainError::TokenReadOnly
        ));
        match classify(Some(&limited), None) {
            DomainError::HetznerRateLimited { retry_after_secs } => {
                assert!((295..=300).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(Some(&down), None),
            DomainError::HetznerUnreachable
        ));
        assert!(matches!(
            classify(
                Some(&err(ErrorKind::Timeout)),
                Some(&err(ErrorKind::Transport))
            ),
            DomainError::HetznerUnreachable
        ));
    }
}
