//! A droplet's snapshots. They carry no tags, so Potions marks its own by
//! a prefix of their name that also says why it took them.

use super::team::{refused, DigitalOceanTeam};
use crate::error::DomainError;
use crate::providers::digitalocean::DropletSnapshot;
use crate::provisioning::Provisioner as _;
use crate::provisioning::{Changed, Refused, Server, Snapshot};
use model::snapshots::Origin;

/// The start of the name of a snapshot Potions took by hand.
const BY_HAND: &str = "potions: ";
const SAFETY_NET: &str = "potions safety net: ";
/// Followed by the schedule's id and `: `.
const SCHEDULE: &str = "potions schedule ";

/// The name DigitalOcean keeps for a snapshot named `name` by a user.
fn marked_name(origin: &Origin, name: &str) -> String {
    match origin {
        Origin::ByHand => format!("{BY_HAND}{name}"),
        Origin::SafetyNet => format!("{SAFETY_NET}{name}"),
        Origin::Schedule(id) => format!("{SCHEDULE}{id}: {name}"),
    }
}

/// Why Potions took the snapshot named `stored`, and its name as the user
/// gave it.
fn read_mark(stored: &str) -> (Option<Origin>, &str) {
    if let Some(name) = stored.strip_prefix(BY_HAND) {
        return (Some(Origin::ByHand), name);
    }
    if let Some(name) = stored.strip_prefix(SAFETY_NET) {
        return (Some(Origin::SafetyNet), name);
    }
    let scheduled = stored
        .strip_prefix(SCHEDULE)
        .and_then(|rest| rest.split_once(": "))
        .filter(|(id, _)| !id.is_empty() && !id.contains(' '));
    match scheduled {
        Some((id, name)) => (Some(Origin::Schedule(id.to_string())), name),
        None => (None, stored),
    }
}

fn snapshot_of(snapshot: DropletSnapshot, from_server: Option<String>) -> Snapshot {
    let (origin, name) = read_mark(&snapshot.name);
    Snapshot {
        id: snapshot.id,
        origin,
        name: name.to_string(),
        creating: false,
        size_gb: Some(snapshot.size_gigabytes),
        created_at: crate::clock::parse_rfc3339(&snapshot.created_at),
        from_server,
        min_disk_gb: snapshot.min_disk_size,
        architecture: String::new(),
        locations: Some(snapshot.regions),
        monthly_cost: None,
    }
}

impl DigitalOceanTeam<'_> {
    pub(super) async fn droplet_snapshots(
        &self,
        server_id: model::ServerId,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let client = self.client();
        let listed = self
            .read(|token| async move { client.droplet_snapshots(&token, server_id.get()).await })
            .await?;
        Ok(listed.into_iter().map(|s| snapshot_of(s, None)).collect())
    }

    /// The team's droplet snapshots, each with its droplet's name where the
    /// droplet is still there.
    pub(super) async fn team_snapshots(&self) -> Result<Vec<Snapshot>, DomainError> {
        let client = self.client();
        let listed = self
            .read(|token| async move { client.team_snapshots(&token).await })
            .await?;
        let droplets = self.servers().await.unwrap_or_default();
        let name_of = |snapshot: &DropletSnapshot| {
            let id = snapshot.resource_id.as_deref()?.parse::<i64>().ok()?;
            droplets
                .iter()
                .find(|d| d.id.get() == id)
                .map(|d| d.name.clone())
        };
        Ok(listed
            .into_iter()
            .map(|s| {
                let from = name_of(&s);
                snapshot_of(s, from)
            })
            .collect())
    }

    pub(super) async fn snapshot_droplet(
        &self,
        server: &Server,
        name: &str,
        origin: &Origin,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let name = marked_name(origin, name);
        self.droplet_action(
            server.id,
            serde_json::json!({ "type": "snapshot", "name": name }),
        )
        .await
    }

    pub(super) async fn delete_droplet_snapshot(
        &self,
        snapshot_id: i64,
    ) -> Result<Changed<()>, Refused> {
        let client = self.client();
        self.call(
            |token| async move { client.delete_snapshot(&token, snapshot_id).await },
            refused,
        )
        .await
        .map(|answer| Changed::new((), answer.request_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_says_why_potions_took_a_snapshot() {
        for origin in [
            Origin::ByHand,
            Origin::SafetyNet,
            Origin::Schedule("a1b2".into()),
        ] {
            let stored = marked_name(&origin, "web: before: upgrade");
            assert_eq!(read_mark(&stored), (Some(origin), "web: before: upgrade"));
        }
        assert_eq!(read_mark("nightly"), (None, "nightly"));
        assert_eq!(
            read_mark("potions schedule : x"),
            (None, "potions schedule : x")
        );
    }
}
