//! The activity log: an append-only record of sign-ins, factor and session
//! changes, connections, and every change Potions made in a cloud, shown to
//! the user newest first. Writing it never fails the request that caused it.

pub use model::activity::{Action, Outcome};
use model::{ConnectionId, UserId};

use crate::clock::now_micros;
use crate::db::{new_id, Database};
use crate::error::DomainError;

/// Entries kept at most per page.
pub const PAGE_SIZE: i64 = 25;
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// Longest free text kept in a column (names, user agents).
const MAX_TEXT_CHARS: usize = 256;
/// Failed sign-in steps of one kind fold into one entry per this many
/// microseconds (an hour), counting their repeats.
const FOLD_WINDOW_US: i64 = 3600 * 1_000_000;

/// The key a failed attempt folds under: one entry per account, action and
/// hour. Only attempts anyone can cause fold (a wrong password needs only the
/// email; a wrong second step, the password), so nobody can bury a user's
/// log or fill the disk with them; everything else keeps one entry each.
fn fold_key(entry: &Entry, at_us: i64) -> Option<String> {
    let anyone_can_cause = matches!(
        entry.action,
        Action::PasswordEntered
            | Action::SecondFactorEntered
            | Action::SignedInWithAuthenticatorCode
            | Action::SignedInWithRecoveryCode
            | Action::SignedInWithPasskey
    );
    (entry.outcome == Outcome::Failed && anyone_can_cause).then(|| {
        format!(
            "{}|{}",
            entry.action.stored_name(),
            at_us.div_euclid(FOLD_WINDOW_US)
        )
    })
}

/// What an entry is about in a cloud: a server or an SSH key.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub provider: String,
    pub id: String,
    pub name: String,
}

/// The request that caused an entry.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    pub request_id: Option<String>,
    pub client_address: String,
    pub user_agent: String,
}

/// One thing that happened, to record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: Action,
    pub outcome: Outcome,
    pub connection: Option<(String, String)>,
    pub target: Option<Target>,
    pub provider_request_id: Option<String>,
}

impl Entry {
    pub fn new(action: Action, outcome: Outcome) -> Self {
        Self {
            action,
            outcome,
            connection: None,
            target: None,
            provider_request_id: None,
        }
    }

    /// The connection (id and label) the entry is about.
    pub fn on(mut self, id: &ConnectionId, label: &str) -> Self {
        self.connection = Some((id.to_string(), label.into()));
        self
    }

    pub fn target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    pub fn provider_request(mut self, id: Option<String>) -> Self {
        self.provider_request_id = id;
        self
    }
}

/// An entry as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recorded {
    pub id: String,
    /// Microseconds since the epoch.
    pub at_us: i64,
    pub action: String,
    pub outcome: String,
    pub connection_id: Option<String>,
    pub connection_label: Option<String>,
    pub target_provider: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub request_id: Option<String>,
    pub provider_request_id: Option<String>,
    pub client_address: String,
    pub user_agent: String,
    /// How many attempts a folded entry stands for (1 for most).
    pub repeats: i64,
}

/// Which entries to read: one connection's, one area's (`account`,
/// `connection`, `cloud`), one server's or key's, older than a cursor.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub connection_id: Option<String>,
    /// The provider's id of what an entry is about (a server, a key).
    pub target_id: Option<String>,
    pub area: Option<Area>,
    /// The last entry of the previous page: `(at_us, id)`.
    pub before: Option<(i64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Account,
    Connection,
    Cloud,
}

impl Area {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "account" => Some(Self::Account),
            "connection" => Some(Self::Connection),
            "cloud" => Some(Self::Cloud),
            _ => None,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::Account => "account.%",
            Self::Connection => "connection.%",
            Self::Cloud => "cloud.%",
        }
    }
}

fn clip(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT_CHARS)
        .collect()
}

#[derive(Clone, Debug)]
pub struct ActivityLog {
    db: Database,
}

/// Writes one entry with `executor`: the pool, or the transaction of the
/// change it records, so that both are committed or neither.
pub(crate) async fn append<'e, E>(
    executor: E,
    user_id: &UserId,
    request: &RequestInfo,
    entry: Entry,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let at_us = now_micros();
    let fold_key = fold_key(&entry, at_us);
    let (connection_id, connection_label) = entry.connection.unzip();
    let target = entry.target.unwrap_or_default();
    let some = |text: String| (!text.is_empty()).then(|| clip(&text));
    // A folded attempt keeps the first one's request details, and the time
    // of the latest.
    sqlx::query(
        "INSERT INTO activity (id, user_id, at_us, action, outcome, connection_id, \
         connection_label, target_provider, target_id, target_name, request_id, \
         provider_request_id, client_address, user_agent, fold_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (user_id, fold_key) DO UPDATE \
         SET repeats = activity.repeats + 1, at_us = excluded.at_us",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(at_us)
    .bind(entry.action.stored_name())
    .bind(entry.outcome.stored_name())
    .bind(connection_id)
    .bind(connection_label.map(|l| clip(&l)))
    .bind(some(target.provider))
    .bind(some(target.id))
    .bind(some(target.name))
    .bind(request.request_id.as_deref().map(clip))
    .bind(entry.provider_request_id.as_deref().map(clip))
    .bind(clip(&request.client_address))
    .bind(clip(&request.user_agent))
    .bind(fold_key)
    .execute(executor)
    .await?;
    Ok(())
}

impl ActivityLog {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Appends an entry. A failure is logged, never returned: the change it
    /// records has happened whatever the log says.
    pub async fn record(&self, user_id: &UserId, request: &RequestInfo, entry: Entry) {
        let action = entry.action.stored_name();
        if let Err(err) = append(self.db.pool(), user_id, request, entry).await {
            tracing::warn!(error = %err, action, "activity not recorded");
        }
    }

    /// One page of the user's entries, newest first (keyset-paginated).
    pub async fn list(
        &self,
        user_id: &UserId,
        filter: &Filter,
    ) -> Result<Vec<Recorded>, DomainError> {
        let (before_at, before_id) = filter.before.clone().unwrap_or((i64::MAX, String::new()));
        let rows = sqlx::query_as::<_, Recorded>(
            "SELECT id, at_us, action, outcome, connection_id, connection_label, target_provider, \
             target_id, target_name, request_id, provider_request_id, client_address, user_agent, \
             repeats FROM activity WHERE user_id = $1 \
             AND ($2 = '' OR connection_id = $2) \
             AND action LIKE $3 \
             AND (at_us < $4 OR (at_us = $4 AND ($5 = '' OR id < $5))) \
             AND ($6 = '' OR target_id = $6) \
             ORDER BY at_us DESC, id DESC LIMIT $7",
        )
        .bind(user_id)
        .bind(filter.connection_id.clone().unwrap_or_default())
        .bind(filter.area.map_or("%", Area::prefix))
        .bind(before_at)
        .bind(before_id)
        .bind(filter.target_id.clone().unwrap_or_default())
        .bind(PAGE_SIZE)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows)
    }

    /// Deletes entries older than the retention; returns how many went.
    pub async fn purge(&self, retention_days: u32) -> Result<u64, DomainError> {
        let cutoff = now_micros() - i64::from(retention_days) * 24 * 60 * 60 * 1_000_000;
        let done = sqlx::query("DELETE FROM activity WHERE at_us < $1")
            .bind(cutoff)
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_clipped_and_printable() {
        assert_eq!(clip("web\r\n-1"), "web-1");
        assert_eq!(clip(&"x".repeat(1000)).len(), MAX_TEXT_CHARS);
    }

    #[test]
    fn areas_read_from_the_url_or_not_at_all() {
        assert_eq!(Area::parse("cloud"), Some(Area::Cloud));
        assert_eq!(Area::parse("cloud.%"), None);
    }
}
