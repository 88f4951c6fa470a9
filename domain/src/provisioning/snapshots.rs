//! A server's snapshots, provider-neutral: listed newest first, taken with
//! a checked name and a mark saying why, deleted once named again.

use super::provisioner::{on_provider, Opened};
use super::server_actions::named_again;
use super::{Changed, Provisioner, Provisioning, Refused, Server, Snapshot};
use crate::error::{DomainError, Refusal};
use model::snapshots::Origin;
use model::{ConnectionId, UserId};

impl Provisioning {
    /// `server_id`'s snapshots, newest first.
    pub async fn snapshots(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let mut snapshots = on_provider!(self.open(user_id, id).await?, |p| p
            .snapshots(server_id)
            .await)?;
        // Ties (taken in the same second) go by id, which grows.
        snapshots.sort_by_key(|s| std::cmp::Reverse((s.created_at, s.id)));
        Ok(snapshots)
    }

    /// Takes a snapshot of `server` named `name` (the server's name and the
    /// date when empty), marked with why; answers the action to follow.
    pub async fn take_snapshot(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server: &Server,
        name: &str,
        origin: &Origin,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let name = name.trim();
        if name.chars().count() > model::limits::SNAPSHOT_NAME_MAX
            || name.chars().any(char::is_control)
        {
            let invalid = Refusal::InvalidServerRequest(vec!["snapshot name".into()]);
            return Err(DomainError::Refused(invalid).into());
        }
        let name = if name.is_empty() {
            let today = crate::clock::today_utc();
            format!("{} {today}", server.name)
        } else {
            name.to_string()
        };
        on_provider!(self.open(user_id, id).await?, |p| p
            .take_snapshot(server, &name, origin)
            .await)
    }

    /// Deletes `snapshot_id`, one of `server_id`'s snapshots, once its name
    /// is typed again (`typed_name`).
    pub async fn delete_snapshot(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        snapshots: &[Snapshot],
        snapshot_id: i64,
        typed_name: &str,
    ) -> Result<Changed<()>, Refused> {
        let Some(snapshot) = snapshots.iter().find(|s| s.id == snapshot_id) else {
            let invalid = Refusal::InvalidServerRequest(vec!["snapshot".into()]);
            return Err(DomainError::Refused(invalid).into());
        };
        named_again(typed_name, &snapshot.name)?;
        self.expire_snapshot(user_id, id, snapshot_id).await
    }

    /// Deletes `snapshot_id` without asking: for a schedule's retention,
    /// which deletes only its own.
    pub(crate) async fn expire_snapshot(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        snapshot_id: i64,
    ) -> Result<Changed<()>, Refused> {
        on_provider!(self.open(user_id, id).await?, |p| p
            .delete_snapshot(snapshot_id)
            .await)
    }
}
