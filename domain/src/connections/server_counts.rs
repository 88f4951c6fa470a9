//! The Dashboard's server counts: fetched concurrently, cached briefly, and
//! never holding the page up for longer than a budget.

use futures::future::join_all;
use std::time::Duration;

use super::record::{Connection, ConnectionStatus};
use super::token_check::{one_server, server_count};
use super::Connections;
use crate::error::DomainError;
use crate::hetzner::ErrorKind;

/// How long a project's server count is reused.
const COUNT_TTL: Duration = Duration::from_secs(30);
/// How long the Dashboard waits for one project's count.
const COUNT_BUDGET: Duration = Duration::from_millis(1500);
/// Counts kept at most (one per connection; old ones expire anyway).
const COUNT_CAPACITY: u64 = 100_000;

/// What is known about a project's server count right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCount {
    Known(i64),
    /// Not fetched in time, or Hetzner failed; the page shows no count.
    Unavailable,
    /// Hetzner rejected the token while counting.
    TokenRejected,
}

#[derive(Clone, Debug)]
pub(super) struct CountCache(moka::sync::Cache<String, i64>);

impl CountCache {
    pub fn new() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(COUNT_CAPACITY)
                .time_to_live(COUNT_TTL)
                .build(),
        )
    }

    pub fn remember(&self, connection_id: &str, count: i64) {
        self.0.insert(connection_id.to_string(), count);
    }

    pub fn forget(&self, connection_id: &str) {
        self.0.invalidate(connection_id);
    }

    fn get(&self, connection_id: &str) -> Option<i64> {
        self.0.get(connection_id)
    }
}

impl Connections {
    /// Fetches one project's count and records what Hetzner said: the count
    /// in the cache, or a rejected token as needing attention.
    async fn fetch_count(&self, user_id: &str, id: &str) -> ServerCount {
        let Ok(token) = self.token(user_id, id).await else {
            return ServerCount::Unavailable;
        };
        let one = one_server();
        match self.hetzner.list_servers(&token, &one).await {
            Ok(page) => {
                let count = server_count(&page.value);
                self.counts.remember(id, count);
                ServerCount::Known(count)
            }
            Err(err) => {
                let _ = self.note_failure(user_id, id, &err).await;
                if err.kind == ErrorKind::Unauthorized {
                    ServerCount::TokenRejected
                } else {
                    ServerCount::Unavailable
                }
            }
        }
    }

    /// One connection's count: cached, or fetched within the budget. A
    /// fetch slower than the budget finishes in the background and fills
    /// the cache for the next look.
    async fn count_within_budget(&self, user_id: &str, connection: &Connection) -> ServerCount {
        if connection.status == ConnectionStatus::NeedsAttention {
            // Potions makes no calls with a token Hetzner rejected.
            return ServerCount::Unavailable;
        }
        if let Some(n) = self.counts.get(&connection.id) {
            return ServerCount::Known(n);
        }
        let fetch = tokio::spawn({
            let (this, user_id, id) = (self.clone(), user_id.to_string(), connection.id.clone());
            async move { this.fetch_count(&user_id, &id).await }
        });
        tokio::time::timeout(COUNT_BUDGET, fetch)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(ServerCount::Unavailable)
    }

    /// The user's connections, each with its server count when known in
    /// time, fetched concurrently. A connection whose token Hetzner rejected
    /// while counting comes back as needing attention.
    pub async fn list_with_server_counts(
        &self,
        user_id: &str,
    ) -> Result<Vec<(Connection, Option<i64>)>, DomainError> {
        let list = self.list(user_id).await?;
        let counts = join_all(list.iter().map(|c| self.count_within_budget(user_id, c))).await;
        Ok(list
            .into_iter()
            .zip(counts)
            .map(|(mut connection, count)| match count {
                ServerCount::Known(n) => (connection, Some(n)),
                ServerCount::Unavailable => (connection, None),
                ServerCount::TokenRejected => {
                    connection.status = ConnectionStatus::NeedsAttention;
                    (connection, None)
                }
            })
            .collect())
    }
}
