//! A server's snapshots, provider-neutral: listed newest first, taken with
//! a checked name and a mark saying why, deleted once named again.

use super::provisioner::{on_provider, Opened};
use super::server_actions::named_again;
use super::{Changed, Image, Provisioner, Provisioning, Refused, Server, Snapshot};
use crate::error::{DomainError, Refusal};
use model::snapshots::Origin;
use model::{ConnectionId, UserId};

impl Provisioning {
    /// `server_id`'s snapshots, newest first, with what each costs.
    pub async fn snapshots(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let listed = on_provider!(self.open(user_id, id).await?, |p| p
            .snapshots(server_id)
            .await)?;
        Ok(self.priced(user_id, id, listed).await)
    }

    /// Every snapshot of the connection's servers (and of servers since
    /// deleted), newest first, with what each costs.
    pub async fn all_snapshots(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let listed = on_provider!(self.open(user_id, id).await?, |p| p.all_snapshots().await)?;
        Ok(self.priced(user_id, id, listed).await)
    }

    /// Adds each snapshot's monthly cost where the catalogue has a price,
    /// and sorts them newest first.
    async fn priced(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        mut snapshots: Vec<Snapshot>,
    ) -> Vec<Snapshot> {
        let price = self
            .catalogue(user_id, id)
            .await
            .ok()
            .and_then(|catalogue| catalogue.snapshot_price_per_gb);
        for snapshot in &mut snapshots {
            snapshot.monthly_cost = price.zip(snapshot.size_gb).map(|(price, gb)| price * gb);
        }
        // Ties (taken in the same second) go by id, which grows.
        snapshots.sort_by_key(|s| std::cmp::Reverse((s.created_at, s.id)));
        snapshots
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

    /// The connection's finished snapshots as images a new server can be
    /// made from, each saying the disk it needs. `disk_at_least` keeps only
    /// those a disk of that size holds.
    pub async fn snapshot_images(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        disk_at_least: Option<f64>,
    ) -> Result<Vec<Image>, DomainError> {
        let snapshots = self.all_snapshots(user_id, id).await?;
        let fits = |s: &Snapshot| {
            disk_at_least.is_none_or(|disk| s.min_disk_gb.is_none_or(|min| min <= disk))
        };
        Ok(snapshots
            .into_iter()
            .filter(|s| !s.creating && fits(s))
            .map(|s| {
                let mut description = format!("Snapshot: {}", s.name);
                if let Some(min) = s.min_disk_gb {
                    description.push_str(&format!(" (needs a {min:.0} GB disk)"));
                }
                Image {
                    id: s.id,
                    description,
                    architecture: s.architecture,
                    locations: s.locations,
                }
            })
            .collect())
    }
}
