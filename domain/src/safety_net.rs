//! The safety net: a snapshot taken just before a risky step (resize,
//! rebuild, delete), and the step run only once that snapshot is made. The
//! waiting step is a row, so any instance can run it (the one that took the
//! snapshot follows it; every instance looks for ones left behind), claimed
//! once by a compare-and-swap on its state. If the snapshot fails, the step
//! never runs. The activity log links the two by the request's id.

use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::activity::{Action, ActivityLog, RequestInfo};
use crate::clock::{now_unix, today_utc};
use crate::db::{new_id, Database};
use crate::error::{DomainError, Refusal};
use crate::provisioning::{cloud_change_entry, Changed, Provisioning, Refused, Server};
use model::snapshots::Origin;
use model::{ConnectionId, ServerId, UserId};

/// How often the instance that took the snapshot looks at it.
const FOLLOW_EVERY: Duration = Duration::from_secs(2);
/// A snapshot not made after this long fails its step.
const GIVE_UP_AFTER_SECS: i64 = 3 * 3600;
/// How long the server's page mentions a step that did not run.
const FAILURE_SHOWN_SECS: i64 = 3600;

/// A step that destroys or changes a server in a way a snapshot can undo,
/// checked (and, where it asks again, confirmed) before it waits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskyStep {
    Resize { size: String, grow_disk: bool },
    Rebuild { image: i64 },
    Delete,
}

impl RiskyStep {
    fn action(&self) -> Action {
        match self {
            Self::Resize { .. } => Action::ServerResized,
            Self::Rebuild { .. } => Action::ServerRebuilt,
            Self::Delete => Action::ServerDeleted,
        }
    }

    pub fn words(&self) -> &'static str {
        match self {
            Self::Resize { .. } => "resize",
            Self::Rebuild { .. } => "rebuild",
            Self::Delete => "deletion",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SafetyNets {
    db: Database,
    provisioning: Provisioning,
    activity: ActivityLog,
}

/// A waiting step, as read before it is claimed.
#[derive(sqlx::FromRow)]
struct Waiting {
    id: String,
    user_id: String,
    connection_id: String,
    server_id: i64,
    server_name: String,
    step: String,
    snapshot_actions: String,
    request_id: Option<String>,
    created_at: i64,
}

impl SafetyNets {
    pub fn new(db: Database, provisioning: Provisioning, activity: ActivityLog) -> Self {
        Self {
            db,
            provisioning,
            activity,
        }
    }

    /// Takes a snapshot of `server`, then runs `step` once it is made.
    /// Answers the snapshot's actions, for the page to follow.
    pub async fn start(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        step: RiskyStep,
        request: &RequestInfo,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let name = format!(
            "{} before its {} {}",
            server.name,
            step.words(),
            today_utc()
        );
        let provisioning = &self.provisioning;
        let taken = provisioning
            .take_snapshot(user_id, id, server, &name, &Origin::SafetyNet)
            .await;
        let connection = provisioning.connections().get(user_id, id).await?;
        let resource = (server.id.to_string(), server.name.as_str());
        let entry = cloud_change_entry(&connection, Action::SafetyNetTaken, resource, &taken);
        if let Some(entry) = entry {
            self.activity.record(user_id, request, entry).await;
        }
        let taken = taken?;
        let actions: Vec<String> = taken.value.iter().map(i64::to_string).collect();
        let net_id = new_id();
        let now = now_unix();
        let step =
            serde_json::to_string(&step).map_err(|_| DomainError::Refused(Refusal::Internal))?;
        sqlx::query(
            "INSERT INTO safety_nets (id, user_id, connection_id, server_id, server_name, step, \
             snapshot_actions, request_id, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9, $9)",
        )
        .bind(&net_id)
        .bind(user_id)
        .bind(id)
        .bind(server.id.get())
        .bind(&server.name)
        .bind(step)
        .bind(actions.join(","))
        .bind(request.request_id.as_deref())
        .bind(now)
        .execute(self.db.pool())
        .await
        .map_err(DomainError::from)?;
        let follower = self.clone();
        tokio::spawn(async move { follower.follow(&net_id).await });
        Ok(taken)
    }

    /// What `server_id`'s page says of a step waiting on it (`true`), or of
    /// one that did not run within the last hour (`false`).
    pub async fn note_for(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: ServerId,
    ) -> Result<Option<(bool, String)>, DomainError> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT state, step, failure FROM safety_nets \
             WHERE user_id = $1 AND connection_id = $2 AND server_id = $3 \
             AND (state IN ('waiting', 'running') OR (state = 'failed' AND updated_at > $4)) \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(user_id)
        .bind(id)
        .bind(server_id.get())
        .bind(now_unix() - FAILURE_SHOWN_SECS)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.and_then(|(state, step, failure)| {
            let words = serde_json::from_str::<RiskyStep>(&step).ok()?.words();
            Some(match state.as_str() {
                "failed" => (
                    false,
                    format!("The {words} did not run: {}", failure.unwrap_or_default()),
                ),
                _ => (
                    true,
                    format!(
                        "A snapshot is being taken first; the {words} follows once it is made."
                    ),
                ),
            })
        }))
    }

    /// Forgets steps settled over a day ago (the page mentions one that did
    /// not run for an hour); answers how many.
    pub async fn purge_settled(&self) -> Result<u64, DomainError> {
        let done = sqlx::query(
            "DELETE FROM safety_nets WHERE state IN ('done', 'failed') AND updated_at < $1",
        )
        .bind(now_unix() - 24 * 3600)
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Runs every waiting step whose snapshot is made, from any instance:
    /// the ones whose instance stopped before it could.
    pub async fn run_ready(&self) -> Result<usize, DomainError> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM safety_nets WHERE state = 'waiting' ORDER BY created_at LIMIT 50",
        )
        .fetch_all(self.db.pool())
        .await?;
        let mut settled = 0;
        for (id,) in ids {
            if self.try_run(&id).await? {
                settled += 1;
            }
        }
        Ok(settled)
    }

    async fn follow(&self, net_id: &str) {
        let tries = GIVE_UP_AFTER_SECS / i64::try_from(FOLLOW_EVERY.as_secs()).unwrap_or(1) + 1;
        for _ in 0..tries {
            tokio::time::sleep(FOLLOW_EVERY).await;
            match self.try_run(net_id).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "a safety net could not be followed"),
            }
        }
    }

    /// Runs the step if its snapshot is made (or ends it if the snapshot
    /// failed); answers whether it is settled, here or elsewhere.
    async fn try_run(&self, net_id: &str) -> Result<bool, DomainError> {
        let net: Option<Waiting> = sqlx::query_as(
            "SELECT id, user_id, connection_id, server_id, server_name, step, snapshot_actions, \
             request_id, created_at FROM safety_nets WHERE id = $1 AND state = 'waiting'",
        )
        .bind(net_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(net) = net else {
            return Ok(true);
        };
        let (user_id, id) = (
            UserId::new(net.user_id.clone()),
            ConnectionId::new(net.connection_id.clone()),
        );
        let actions: Vec<i64> = net
            .snapshot_actions
            .split(',')
            .filter_map(|a| a.parse().ok())
            .collect();
        let failure = match self.provisioning.progress(&user_id, &id, &actions).await {
            Ok(progress) if progress.failed.is_some() => Some("the snapshot before it failed"),
            Ok(progress) if progress.done => None,
            _ if now_unix() - net.created_at > GIVE_UP_AFTER_SECS => {
                Some("the snapshot before it was not made in time")
            }
            _ => return Ok(false),
        };
        if !self.claim(&net.id).await? {
            return Ok(true);
        }
        let outcome = match failure {
            Some(why) => Err(why.to_string()),
            None => self.run_step(&net, &user_id, &id).await,
        };
        let (state, failure) = match outcome {
            Ok(()) => ("done", None),
            Err(why) => ("failed", Some(why)),
        };
        sqlx::query(
            "UPDATE safety_nets SET state = $1, failure = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(state)
        .bind(failure)
        .bind(now_unix())
        .bind(&net.id)
        .execute(self.db.pool())
        .await?;
        Ok(true)
    }

    async fn claim(&self, net_id: &str) -> Result<bool, DomainError> {
        let claimed = sqlx::query(
            "UPDATE safety_nets SET state = 'running', updated_at = $1 \
             WHERE id = $2 AND state = 'waiting'",
        )
        .bind(now_unix())
        .bind(net_id)
        .execute(self.db.pool())
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Runs the step as the user asked it, checked again against the server
    /// as it is now; answers why it did not happen.
    async fn run_step(
        &self,
        net: &Waiting,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<(), String> {
        let step: RiskyStep =
            serde_json::from_str(&net.step).map_err(|_| Refusal::Internal.message())?;
        let provisioning = &self.provisioning;
        let server_id = ServerId::new(net.server_id);
        let details = provisioning
            .server_now(user_id, id, server_id)
            .await
            .map_err(|err| words_of(&err))?;
        let name = net.server_name.as_str();
        let result = match &step {
            RiskyStep::Resize { size, grow_disk } => provisioning
                .resize(user_id, id, &details, size, *grow_disk)
                .await
                .map(|changed| changed.map(|_| ())),
            // A root password set here is shown nowhere: nobody waits for it.
            RiskyStep::Rebuild { image } => provisioning
                .rebuild(user_id, id, &details, *image, name)
                .await
                .map(|changed| changed.map(|_| ())),
            RiskyStep::Delete => {
                provisioning
                    .delete_server(user_id, id, server_id, name)
                    .await
            }
        };
        if let Ok(connection) = provisioning.connections().get(user_id, id).await {
            let resource = (server_id.to_string(), name);
            if let Some(entry) = cloud_change_entry(&connection, step.action(), resource, &result) {
                let request = RequestInfo {
                    request_id: net.request_id.clone(),
                    client_address: "Potions' safety net".into(),
                    user_agent: String::new(),
                };
                self.activity.record(user_id, &request, entry).await;
            }
        }
        result
            .map(|_| ())
            .map_err(|refused| words_of(&refused.error))
    }
}

fn words_of(err: &DomainError) -> String {
    match err {
        DomainError::Refused(refusal) => refusal.message(),
        other => {
            tracing::warn!(error = %other, "a step after its safety net failed");
            Refusal::Internal.message()
        }
    }
}
