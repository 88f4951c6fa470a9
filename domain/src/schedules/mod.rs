//! Snapshot schedules: per server, daily or weekly at an hour (UTC),
//! keeping the newest N of their own snapshots. The rows and their rules
//! are here; a run (claimed once across every instance, then a snapshot and
//! retention) is in `runner.rs`; when one is due in `slots.rs`.

mod runner;
mod slots;

use crate::activity::ActivityLog;
use crate::clock::now_unix;
use crate::db::Database;
use crate::error::{DomainError, Refusal};
use crate::provisioning::{Provisioning, Server};
use model::snapshots::{Schedule, KEEP_MAX};
use model::{ConnectionId, ServerId, UserId};

pub use slots::next_slot;

#[derive(Clone, Debug)]
pub struct Schedules {
    db: Database,
    provisioning: Provisioning,
    activity: ActivityLog,
}

/// What a schedule should be, as a user set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// `None` for every day; 0 is Monday.
    pub weekday: Option<u8>,
    pub hour: u8,
    pub keep: u8,
}

impl Wanted {
    fn check(self) -> Result<Self, DomainError> {
        let mut invalid = Vec::new();
        if self.weekday.is_some_and(|day| day > 6) {
            invalid.push("day".to_string());
        }
        if self.hour > 23 {
            invalid.push("hour".to_string());
        }
        if !(1..=KEEP_MAX).contains(&self.keep) {
            invalid.push("keep".to_string());
        }
        if invalid.is_empty() {
            Ok(self)
        } else {
            Err(DomainError::Refused(Refusal::InvalidServerRequest(invalid)))
        }
    }
}

type ScheduleRow = (Option<i64>, i64, i64, i64, Option<i64>, Option<String>);

fn schedule_of(row: ScheduleRow) -> Schedule {
    let (weekday, hour, keep, next_run_at, last_run_at, last_failure) = row;
    let small = |n: i64| u8::try_from(n).unwrap_or(0);
    Schedule {
        weekday: weekday.map(small),
        hour: small(hour),
        keep: small(keep),
        next_run_at,
        last_run_at,
        last_failure,
    }
}

impl Schedules {
    pub fn new(db: Database, provisioning: Provisioning, activity: ActivityLog) -> Self {
        Self {
            db,
            provisioning,
            activity,
        }
    }

    /// The schedule of one of the user's servers, if it has one.
    pub async fn get(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: ServerId,
    ) -> Result<Option<Schedule>, DomainError> {
        let row: Option<ScheduleRow> = sqlx::query_as(
            "SELECT weekday, hour, keep, next_run_at, last_run_at, last_failure \
             FROM snapshot_schedules WHERE user_id = $1 AND connection_id = $2 AND server_id = $3",
        )
        .bind(user_id)
        .bind(id)
        .bind(server_id.get())
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(schedule_of))
    }

    /// Sets (or replaces) `server`'s schedule, due first at the next slot
    /// after now. `server` was read through the user's connection `id`.
    pub async fn set(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        wanted: Wanted,
    ) -> Result<Schedule, DomainError> {
        let wanted = wanted.check()?;
        let now = now_unix();
        let next = next_slot(now, wanted.weekday, wanted.hour);
        let set = sqlx::query(
            "INSERT INTO snapshot_schedules (id, user_id, connection_id, server_id, server_name, \
             weekday, hour, keep, next_run_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (connection_id, server_id) DO UPDATE SET server_name = excluded.server_name, \
             weekday = excluded.weekday, hour = excluded.hour, keep = excluded.keep, \
             next_run_at = excluded.next_run_at, last_failure = NULL \
             WHERE snapshot_schedules.user_id = excluded.user_id",
        )
        .bind(schedule_id())
        .bind(user_id)
        .bind(id)
        .bind(server.id.get())
        .bind(&server.name)
        .bind(wanted.weekday.map(i64::from))
        .bind(i64::from(wanted.hour))
        .bind(i64::from(wanted.keep))
        .bind(next)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        if set.rows_affected() != 1 {
            return Err(DomainError::Refused(Refusal::ServerNotFound));
        }
        self.get(user_id, id, server.id)
            .await?
            .ok_or(DomainError::Refused(Refusal::ServerNotFound))
    }

    /// Turns a server's schedule off; its snapshots stay.
    pub async fn remove(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: ServerId,
    ) -> Result<(), DomainError> {
        sqlx::query(
            "DELETE FROM snapshot_schedules \
             WHERE user_id = $1 AND connection_id = $2 AND server_id = $3",
        )
        .bind(user_id)
        .bind(id)
        .bind(server_id.get())
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}

/// Hex, so that it is a valid Hetzner label value and a plain word in a
/// DigitalOcean snapshot's name.
fn schedule_id() -> String {
    use rand::RngCore as _;
    format!("{:016x}", rand::rngs::OsRng.next_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_is_checked_before_it_is_stored() {
        let fine = Wanted {
            weekday: Some(6),
            hour: 23,
            keep: KEEP_MAX,
        };
        assert_eq!(fine.check().ok(), Some(fine));
        let bad = Wanted {
            weekday: Some(7),
            hour: 24,
            keep: 0,
        };
        let Err(DomainError::Refused(Refusal::InvalidServerRequest(fields))) = bad.check() else {
            panic!("refused");
        };
        assert_eq!(fields, ["day", "hour", "keep"]);
    }
}
