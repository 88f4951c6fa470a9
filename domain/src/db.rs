//! One connection pool over SQLite (the embedded default) or PostgreSQL
//! (scale-out), chosen by the URL, and for SQLite two connections kept
//! beside it for the reads every page makes. Queries are written once, in
//! the common subset of both dialects, with `$n` placeholders.

use crate::error::DomainError;
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The database's own clock in unix seconds, as SQL: what several
    /// instances compare must not depend on each instance's clock.
    pub fn unix_now_sql(self) -> &'static str {
        match self {
            Self::Sqlite => "CAST(strftime('%s', 'now') AS BIGINT)",
            Self::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    readers: Option<Arc<Readers>>,
}

/// SQLite only: connections kept out of the pool for the reads every page
/// makes (the session, the connection list). sqlx pings a connection each
/// time it returns to the pool, from a task of its own: for SQLite another
/// round trip to the connection's worker thread, so a pooled read costs two.
#[derive(Debug)]
struct Readers {
    connections: Vec<Mutex<AnyConnection>>,
    next: AtomicUsize,
}

const SQLITE_READERS: usize = 2;

impl Readers {
    async fn take_from(pool: &AnyPool) -> Result<Self, DomainError> {
        let mut connections = Vec::with_capacity(SQLITE_READERS);
        for _ in 0..SQLITE_READERS {
            connections.push(Mutex::new(pool.acquire().await?.detach()));
        }
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// A free reader if there is one, else the next in turn.
    async fn lock(&self) -> MutexGuard<'_, AnyConnection> {
        if let Some(free) = self.connections.iter().find_map(|c| c.try_lock().ok()) {
            return free;
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[turn].lock().await
    }
}

/// A connection for one read-only statement; see [`Database::reader`].
pub enum Reader<'a> {
    Kept(MutexGuard<'a, AnyConnection>),
    Pooled(PoolConnection<Any>),
}

impl Deref for Reader<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Kept(guard) => guard,
            Self::Pooled(pooled) => pooled,
        }
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Kept(guard) => &mut *guard,
            Self::Pooled(pooled) => &mut *pooled,
        }
    }
}

impl Database {
    /// Connects and brings the schema up to date. Safe when several instances
    /// start at once: PostgreSQL migrations run under an advisory lock.
    pub async fn connect(url: &str) -> Result<Self, DomainError> {
        install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            DomainError::Database(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            ))
        })?;
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            // An embedded database does not drop connections: no ping before
            // each use (a round trip to the worker thread per query).
            options
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // WAL with full sync: an acknowledged commit survives a crash,
                        // and readers never block the writer.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 5000",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
        } else {
            options
        };
        let pool = options.connect(url).await?;
        MIGRATOR.run(&pool).await?;
        let readers = match backend {
            Backend::Sqlite => Some(Arc::new(Readers::take_from(&pool).await?)),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            backend,
            readers,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection for one read-only statement outside any transaction,
    /// for the reads every page makes. Only such statements: a dropped
    /// request leaves nothing open on it.
    pub async fn reader(&self) -> Result<Reader<'_>, DomainError> {
        Ok(match &self.readers {
            Some(readers) => Reader::Kept(readers.lock().await),
            None => Reader::Pooled(self.pool.acquire().await?),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// A random identifier for new rows: 128 bits, URL-safe.
pub fn new_id() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use futures::future::join_all;

    async fn count(db: &Database) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notes")
            .fetch_one(&mut *db.reader().await.unwrap())
            .await
            .unwrap();
        n
    }

    #[tokio::test]
    async fn sqlite_readers_see_every_commit_and_survive_dropped_reads() {
        let dir = std::env::temp_dir().join(format!("potions-readers-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("r.db").display());
        let db = Database::connect(&url).await.unwrap();
        assert!(
            db.readers.is_some(),
            "SQLite keeps its readers out of the pool"
        );
        sqlx::query("CREATE TABLE notes (n INTEGER)")
            .execute(db.pool())
            .await
            .unwrap();
        for n in 0..50 {
            sqlx::query("INSERT INTO notes (n) VALUES ($1)")
                .bind(n)
                .execute(db.pool())
                .await
                .unwrap();
        }

        // Reads dropped before they finish, more at once than there are
        // readers: some are dropped while the worker runs their statement,
        // the others while they wait for a reader.
        let mut dropped: Vec<_> = (0..3 * SQLITE_READERS)
            .map(|_| Box::pin(count(&db)))
            .collect();
        for read in &mut dropped {
            let _ = futures::poll!(read);
        }
        drop(dropped);
        // A reader left locked would hang here: fail instead.
        let counts = tokio::time::timeout(
            Duration::from_secs(10),
            join_all((0..3 * SQLITE_READERS).map(|_| count(&db))),
        )
        .await
        .expect("every reader is free again");
        assert!(counts.iter().all(|&n| n == 50), "{counts:?}");

        // A commit through the pool shows in the very next read.
        let mut tx = db.pool().begin().await.unwrap();
        sqlx::query("INSERT INTO notes (n) VALUES (50)")
            .execute(&mut *tx)
            .await
            .unwrap();
        assert_eq!(count(&db).await, 50, "not committed yet");
        tx.commit().await.unwrap();
        assert_eq!(count(&db).await, 51);
        let _ = std::fs::remove_dir_all(dir);
    }
}
