//! A Hetzner server's snapshots: images of type `snapshot` made from it,
//! and `create_image` with Potions' label.

use super::project::HetznerProject;
use crate::clock::parse_rfc3339;
use crate::connections::{is_managed_by_potions, managed_labels};
use crate::error::DomainError;
use crate::providers::hetzner::{Image, Labels};
use crate::provisioning::{Changed, Refused, Server, Snapshot};
use model::snapshots::Origin;

/// Why Potions took a snapshot: `by-hand`, `schedule` or `safety-net`.
const ORIGIN: &str = "potions-origin";
/// The id of the schedule that took it.
const SCHEDULE: &str = "potions-schedule";

fn origin_labels(origin: &Origin) -> Labels {
    let mut labels = managed_labels();
    let (why, schedule) = match origin {
        Origin::ByHand => ("by-hand", None),
        Origin::SafetyNet => ("safety-net", None),
        Origin::Schedule(id) => ("schedule", Some(id)),
    };
    labels.insert(ORIGIN.into(), why.into());
    if let Some(id) = schedule {
        labels.insert(SCHEDULE.into(), id.clone());
    }
    labels
}

/// Snapshots Potions took before it labelled why read as taken by hand.
fn origin_of(labels: &Labels) -> Option<Origin> {
    if !is_managed_by_potions(labels) {
        return None;
    }
    Some(
        match (labels.get(ORIGIN).map(String::as_str), labels.get(SCHEDULE)) {
            (Some("schedule"), Some(id)) => Origin::Schedule(id.clone()),
            (Some("safety-net"), _) => Origin::SafetyNet,
            _ => Origin::ByHand,
        },
    )
}

impl HetznerProject<'_> {
    /// The project's snapshots, or only `server_id`'s (Hetzner's API has
    /// no such filter: `created_from` is read here).
    pub(super) async fn project_snapshots(
        &self,
        only: Option<model::ServerId>,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let images = match self.client().snapshot_images(&self.token).await {
            Ok(answer) => answer.value,
            Err(err) => return Err(self.fail(err).await),
        };
        let from = |image: &Image| image.created_from.as_ref().map(|f| f.id);
        let snapshots = images
            .into_iter()
            .filter(|image| only.is_none_or(|id| from(image) == Some(id.get())))
            .map(|image| Snapshot {
                id: image.id,
                origin: origin_of(&image.labels),
                creating: image.status == "creating",
                size_gb: image.image_size,
                created_at: parse_rfc3339(&image.created),
                from_server: image.created_from.map(|f| f.name).filter(|n| !n.is_empty()),
                min_disk_gb: image.disk_size,
                architecture: image.architecture,
                locations: None,
                monthly_cost: None,
                name: image.description,
            })
            .collect();
        Ok(snapshots)
    }

    pub(super) async fn delete_snapshot_image(&self, id: i64) -> Result<Changed<()>, Refused> {
        match self.client().delete_image(&self.token, id).await {
            Ok(answer) => Ok(Changed::new((), answer.correlation_id)),
            Err(err) => Err(self.refuse(err).await),
        }
    }

    pub(super) async fn create_snapshot(
        &self,
        server: &Server,
        name: &str,
        origin: &Origin,
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({
            "type": "snapshot", "description": name, "labels": origin_labels(origin),
        });
        self.change_setting(server.id, "create_image", Some(&body))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labels_say_why_potions_took_a_snapshot() {
        for origin in [
            Origin::ByHand,
            Origin::SafetyNet,
            Origin::Schedule("a1b2".into()),
        ] {
            assert_eq!(origin_of(&origin_labels(&origin)), Some(origin));
        }
        assert_eq!(origin_of(&managed_labels()), Some(Origin::ByHand));
        assert_eq!(origin_of(&Labels::new()), None);
    }
}
