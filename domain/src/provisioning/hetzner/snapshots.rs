//! A Hetzner server's snapshots: images of type `snapshot` made from it,
//! and `create_image` with Potions' label.

use super::project::HetznerProject;
use crate::clock::parse_rfc3339;
use crate::connections::{is_managed_by_potions, managed_labels};
use crate::error::DomainError;
use crate::provisioning::{Changed, Refused, Server, Snapshot};

impl HetznerProject<'_> {
    pub(super) async fn server_snapshots(
        &self,
        server_id: model::ServerId,
    ) -> Result<Vec<Snapshot>, DomainError> {
        let images = match self.client().snapshot_images(&self.token).await {
            Ok(answer) => answer.value,
            Err(err) => return Err(self.fail(err).await),
        };
        let snapshots = images
            .into_iter()
            .filter(|image| image.created_from.as_ref().map(|f| f.id) == Some(server_id.get()))
            .map(|image| Snapshot {
                id: image.id,
                made_by_potions: is_managed_by_potions(&image.labels),
                creating: image.status == "creating",
                size_gb: image.image_size,
                created_at: parse_rfc3339(&image.created),
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
    ) -> Result<Changed<Vec<i64>>, Refused> {
        let body = serde_json::json!({
            "type": "snapshot", "description": name, "labels": managed_labels(),
        });
        self.change_setting(server.id, "create_image", Some(&body))
            .await
    }
}
