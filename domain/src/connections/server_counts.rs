//! The Dashboard's server counts: fetched concurrently, cached briefly (and
//! keyed by the connection's generation, so Potions' own changes show at
//! once on every instance), and never holding the page up for longer than a
//! budget.

use crate::error::Refusal;
use futures::future::join_all;
use model::{ConnectionId, UserId};
use std::time::Duration;

use super::digitalocean::PROVIDER_DIGITALOCEAN;
use super::hetzner::{one_server, server_count};
use super::record::{Connection, ConnectionStatus};
use super::Connections;
use crate::clock::now_unix;
use crate::error::DomainError;
use crate::providers::hetzner::ErrorKind;

/// How long a project's server count is reused.
const COUNT_TTL: Duration = Duration::from_secs(30);
/// How long the Dashboard waits for one project's count.
const COUNT_BUDGET: Duration = Duration::from_millis(1500);
/// Counts kept at most (one per connection; old ones expire anyway).
const COUNT_CAPACITY: u64 = 100_000;

/// A project's server count and when Hetzner was asked (UNIX seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub servers: i64,
    pub counted_at: i64,
}

impl Counted {
    fn now(servers: i64) -> Self {
        Self {
            servers,
            counted_at: now_unix(),
        }
    }
}

/// What is known about a project's server count right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerCount {
    Known(Counted),
    /// Not fetched in time, or Hetzner failed; the page shows no count.
    Unavailable,
    /// Hetzner rejected the token while counting.
    TokenRejected,
}

/// Counts per connection and generation. A count being fetched is fetched
/// once: every concurrent look at the same connection waits for that one
/// fetch (single-flight), so a burst of Dashboard views costs Hetzner one call.
#[derive(Clone, Debug)]
pub(super) struct CountCache(moka::future::Cache<(ConnectionId, i64), Counted>);

impl CountCache {
    pub fn new() -> Self {
        Self(
            moka::future::Cache::builder()
                .max_capacity(COUNT_CAPACITY)
                .time_to_live(COUNT_TTL)
                .build(),
        )
    }

    pub async fn remember(&self, connection: &Connection, servers: i64) {
        self.0
            .insert(
                (connection.id.clone(), connection.generation),
                Counted::now(servers),
            )
            .await;
    }
}

impl Connections {
    /// Fetches one project's count. A rejected token is recorded: the
    /// connection needs attention.
    async fn fetch_count(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        provider: &str,
    ) -> Result<Counted, ServerCount> {
        if provider == PROVIDER_DIGITALOCEAN {
            return self.count_droplets(user_id, id).await;
        }
        let token = self
            .token(user_id, id)
            .await
            .map_err(|_| ServerCount::Unavailable)?;
        let one = one_server();
        match self.hetzner.list_servers(&token, &one).await {
            Ok(page) => Ok(Counted::now(server_count(&page.value))),
            Err(err) => {
                let _ = self.note_failure(user_id, id, &token, &err).await;
                Err(if err.kind == ErrorKind::Unauthorized {
                    ServerCount::TokenRejected
                } else {
                    ServerCount::Unavailable
                })
            }
        }
    }

    /// A team's droplets (with a token refreshed if due). A refused refresh
    /// has already marked the connection.
    async fn count_droplets(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Counted, ServerCount> {
        match self.droplets(user_id, id).await {
            Ok(droplets) => Ok(Counted::now(
                i64::try_from(droplets.len()).unwrap_or(i64::MAX),
            )),
            Err(
                DomainError::Refused(Refusal::DigitalOceanAccessLost)
                | DomainError::Refused(Refusal::TokenRejected),
            ) => Err(ServerCount::TokenRejected),
            Err(_) => Err(ServerCount::Unavailable),
        }
    }

    /// One connection's count: cached, or fetched within the budget. A
    /// fetch slower than the budget finishes in the background and fills
    /// the cache for the next look.
    async fn count_within_budget(&self, user_id: &UserId, connection: &Connection) -> ServerCount {
        if connection.status == ConnectionStatus::NeedsAttention {
            // Potions makes no calls with a token Hetzner rejected.
            return ServerCount::Unavailable;
        }
        // The common case, a count already known, costs no task.
        let key = (connection.id.clone(), connection.generation);
        if let Some(counted) = self.counts.0.get(&key).await {
            return ServerCount::Known(counted);
        }
        let fetch = tokio::spawn({
            let (this, user_id) = (self.clone(), user_id.clone());
            let provider = connection.provider.clone();
            async move {
                let cache = this.counts.0.clone();
                let id = key.0.clone();
                match cache
                    .try_get_with(key, this.fetch_count(&user_id, &id, &provider))
                    .await
                {
                    Ok(n) => ServerCount::Known(n),
                    Err(failure) => *failure,
                }
            }
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
    pub async fn with_server_counts(
        &self,
        user_id: &UserId,
        list: Vec<Connection>,
    ) -> Vec<(Connection, Option<Counted>)> {
        let counts = join_all(list.iter().map(|c| self.count_within_budget(user_id, c))).await;
        list.into_iter()
            .zip(counts)
            .map(|(mut connection, count)| match count {
                ServerCount::Known(n) => (connection, Some(n)),
                ServerCount::Unavailable => (connection, None),
                ServerCount::TokenRejected => {
                    connection.status = ConnectionStatus::NeedsAttention;
                    (connection, None)
                }
            })
            .collect()
    }
}
