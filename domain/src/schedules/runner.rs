//! A schedule's run. Every instance looks for due schedules; each due time
//! is claimed by moving `next_run_at` on from the value read, in one
//! compare-and-swap, so exactly one instance runs it, and one that dies
//! mid-run leaves the next time set. A run takes a snapshot marked with
//! the schedule's id, then deletes that schedule's own oldest snapshots
//! beyond the number kept; a failure is recorded and the next slot runs
//! as usual (a provider that is down is not asked again before then).

use futures::StreamExt as _;

use super::{next_slot, Schedules};
use crate::activity::{Action, RequestInfo};
use crate::error::{DomainError, Refusal};
use crate::provisioning::{cloud_change_entry, Changed, Refused};
use model::snapshots::Origin;
use model::{ConnectionId, ServerId, UserId};

/// Schedules claimed at most per look; the rest wait for the next one.
const RUNS_PER_LOOK: i64 = 50;
/// Runs at once on one instance.
const RUNS_AT_ONCE: usize = 8;

/// One due schedule, as read before it is claimed.
#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    user_id: String,
    connection_id: String,
    server_id: i64,
    server_name: String,
    weekday: Option<i64>,
    hour: i64,
    keep: i64,
    next_run_at: i64,
}

impl Schedules {
    /// Runs the schedules due at `now` (UNIX seconds) that this instance
    /// claims first; answers how many it ran.
    pub async fn run_due(&self, now: i64) -> Result<usize, DomainError> {
        let due: Vec<Due> = sqlx::query_as(
            "SELECT id, user_id, connection_id, server_id, server_name, weekday, hour, keep, \
             next_run_at FROM snapshot_schedules WHERE next_run_at <= $1 \
             ORDER BY next_run_at LIMIT $2",
        )
        .bind(now)
        .bind(RUNS_PER_LOOK)
        .fetch_all(self.db.pool())
        .await?;
        // A few at once: one slow provider does not hold the others up.
        let runs = futures::stream::iter(due)
            .map(|schedule| async move {
                if !self.claim(&schedule, now).await? {
                    return Ok(false);
                }
                let outcome = self.run(&schedule).await;
                self.note(&schedule, outcome).await;
                Ok::<bool, DomainError>(true)
            })
            .buffer_unordered(RUNS_AT_ONCE)
            .collect::<Vec<_>>()
            .await;
        let mut ran = 0;
        for claimed in runs {
            ran += usize::from(claimed?);
        }
        Ok(ran)
    }

    /// Runs the schedules due now by the database's clock, which every
    /// instance shares.
    pub async fn run_due_now(&self) -> Result<usize, DomainError> {
        let sql = format!("SELECT {}", self.db.backend().unix_now_sql());
        let (now,): (i64,) = sqlx::query_as(&sql).fetch_one(self.db.pool()).await?;
        self.run_due(now).await
    }

    /// Moves the schedule on to its next slot after `now`, if no other
    /// instance did first. A slot missed while every instance was down
    /// runs once, now.
    async fn claim(&self, schedule: &Due, now: i64) -> Result<bool, DomainError> {
        let weekday = schedule.weekday.and_then(|d| u8::try_from(d).ok());
        let hour = u8::try_from(schedule.hour).unwrap_or(0);
        let claimed = sqlx::query(
            "UPDATE snapshot_schedules SET next_run_at = $1, last_run_at = $2 \
             WHERE id = $3 AND next_run_at = $4",
        )
        .bind(next_slot(now, weekday, hour))
        .bind(now)
        .bind(&schedule.id)
        .bind(schedule.next_run_at)
        .execute(self.db.pool())
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    async fn run(&self, schedule: &Due) -> Result<(), DomainError> {
        let user_id = UserId::new(schedule.user_id.clone());
        let id = ConnectionId::new(schedule.connection_id.clone());
        let provisioning = &self.provisioning;
        let connection = provisioning.connections().get(&user_id, &id).await?;
        let server_id = ServerId::new(schedule.server_id);
        let server = match provisioning.server_now(&user_id, &id, server_id).await {
            Ok(details) => details.server,
            // Recorded too: the page that would show it may be gone.
            Err(error) => {
                let failed: Result<Changed<()>, Refused> = Err(Refused::by_provider(error, None));
                let resource = (server_id.to_string(), schedule.server_name.as_str());
                self.record(
                    &user_id,
                    &connection,
                    Action::SnapshotScheduled,
                    resource,
                    &failed,
                )
                .await;
                return failed.map(|_| ()).map_err(|refused| refused.error);
            }
        };
        let origin = Origin::Schedule(schedule.id.clone());
        let own: Vec<_> = provisioning
            .snapshots(&user_id, &id, server_id)
            .await?
            .into_iter()
            .filter(|s| s.origin.as_ref() == Some(&origin) && !s.creating)
            .collect();
        let taken = provisioning
            .take_snapshot(&user_id, &id, &server, "", &origin)
            .await;
        let resource = (server_id.to_string(), server.name.as_str());
        self.record(
            &user_id,
            &connection,
            Action::SnapshotScheduled,
            resource,
            &taken,
        )
        .await;
        taken.map_err(|refused| refused.error)?;
        // With the one just taken, the newest `keep` remain.
        let keep = usize::try_from(schedule.keep).unwrap_or(1).max(1);
        for old in own.iter().skip(keep - 1) {
            let deleted = provisioning.expire_snapshot(&user_id, &id, old.id).await;
            let resource = (old.id.to_string(), old.name.as_str());
            self.record(
                &user_id,
                &connection,
                Action::SnapshotExpired,
                resource,
                &deleted,
            )
            .await;
        }
        Ok(())
    }

    async fn record<T>(
        &self,
        user_id: &UserId,
        connection: &crate::connections::Connection,
        action: Action,
        resource: (String, &str),
        result: &Result<Changed<T>, Refused>,
    ) {
        let request = RequestInfo {
            request_id: None,
            client_address: "Potions' snapshot schedule".into(),
            user_agent: String::new(),
        };
        if let Some(entry) = cloud_change_entry(connection, action, resource, result) {
            self.activity.record(user_id, &request, entry).await;
        }
    }

    /// Keeps why the run failed for the server's page, or clears it. A
    /// server gone from its project takes its schedule with it.
    async fn note(&self, schedule: &Due, outcome: Result<(), DomainError>) {
        let failure = match &outcome {
            Ok(()) => None,
            Err(DomainError::Refused(refusal)) => Some(refusal.message()),
            Err(other) => {
                tracing::warn!(error = %other, "a scheduled snapshot failed");
                Some(Refusal::Internal.message())
            }
        };
        tracing::info!(
            schedule = %schedule.id,
            server = %schedule.server_name,
            failed = failure.is_some(),
            "snapshot schedule ran"
        );
        let gone = matches!(outcome, Err(DomainError::Refused(Refusal::ServerNotFound)));
        let noted = if gone {
            sqlx::query("DELETE FROM snapshot_schedules WHERE id = $1")
                .bind(&schedule.id)
                .execute(self.db.pool())
                .await
        } else {
            sqlx::query("UPDATE snapshot_schedules SET last_failure = $1 WHERE id = $2")
                .bind(failure)
                .bind(&schedule.id)
                .execute(self.db.pool())
                .await
        };
        if let Err(err) = noted {
            tracing::warn!(error = %err, "a schedule's outcome was not kept");
        }
    }
}
