//! Who a session cookie names, with their connections, read in one
//! statement: what every signed-in page needs first. On SQLite each read is
//! a hand-off to a worker thread, so one read instead of two is what keeps a
//! signed-in page near the speed of a static file.

use std::sync::LazyLock;

use sqlx::any::AnyRow;
use sqlx::{FromRow as _, Row as _};

use crate::accounts::sessions::{is_live, lookup_key, note_seen, WRONG_STEPS_NOTICE_SECS};
use crate::accounts::User;
use crate::clock::now_unix;
use crate::connections::{Connection, CONNECTION_COLUMNS};
use crate::db::Database;
use crate::error::DomainError;

/// A live session's user and their connections, oldest first, as they
/// were when the request began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user: User,
    pub connections: Vec<Connection>,
    /// Wrong second steps entered for the account before this session's
    /// sign-in, told during the session's first hour; 0 otherwise.
    pub wrong_second_steps_before: i64,
}

/// One row per connection (one with empty connection columns when there is
/// none); the session's columns are aliased apart from the connection's.
static SIGNED_IN_QUERY: LazyLock<String> = LazyLock::new(|| {
    let connection_columns = CONNECTION_COLUMNS
        .split(',')
        .map(|column| format!("c.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT u.id AS session_user_id, u.email AS session_user_email, \
         s.expires_at AS session_expires_at, s.last_seen_at AS session_last_seen_at, \
         s.created_at AS session_created_at, \
         s.second_step_failures_before AS session_wrong_steps, \
         {connection_columns} FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN connections c ON c.user_id = u.id \
         WHERE s.id_hash = $1 ORDER BY c.connected_at, c.id"
    )
});

impl SignedIn {
    /// The signed-in user for a cookie secret, if the session exists and is
    /// live, with their connections.
    pub async fn look_up(db: &Database, secret: &str) -> Result<Option<Self>, DomainError> {
        let Some(id_hash) = lookup_key(secret) else {
            return Ok(None);
        };
        let rows: Vec<AnyRow> = sqlx::query(&SIGNED_IN_QUERY)
            .bind(&id_hash)
            .fetch_all(&mut *db.reader().await?)
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let now = now_unix();
        if !is_live(first.try_get("session_expires_at")?, now) {
            return Ok(None);
        }
        let user = User {
            id: first.try_get("session_user_id")?,
            email: first.try_get("session_user_email")?,
        };
        let mut connections = Vec::with_capacity(rows.len());
        for row in &rows {
            // A user with no connection has one row, its connection columns empty.
            if row.try_get::<Option<String>, _>("id")?.is_some() {
                connections.push(Connection::from_row(row)?);
            }
        }
        note_seen(db, &id_hash, first.try_get("session_last_seen_at")?, now).await;
        let created_at: i64 = first.try_get("session_created_at")?;
        let wrong_second_steps_before = if now - created_at < WRONG_STEPS_NOTICE_SECS {
            first.try_get("session_wrong_steps")?
        } else {
            0
        };
        Ok(Some(Self {
            user,
            connections,
            wrong_second_steps_before,
        }))
    }
}
