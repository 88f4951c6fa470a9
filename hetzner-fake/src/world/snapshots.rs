//! Snapshots (`POST /servers/{id}/actions/create_image` with `type`
//! snapshot, a `description` and `labels`): an image of the server's disk,
//! `creating` while its action runs (the server is locked meanwhile), then
//! `available`, listed by `GET /images` beside the system images.

use serde_json::Value;
use std::time::Instant;

use super::power::ensure_idle;
use super::{parse_labels, rfc3339_now, Action, ProjectId, Snapshot, World};
use crate::error::ApiError;

impl World {
    pub fn create_image(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: &Value,
    ) -> Result<(Snapshot, Action), ApiError> {
        if !matches!(body.get("type"), None | Some(Value::Null)) && body["type"] != "snapshot" {
            return Err(ApiError::invalid_input(&[(
                "type",
                "only snapshots are modelled",
            )]));
        }
        let description = match body.get("description") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(_) => {
                return Err(ApiError::invalid_input(&[(
                    "description",
                    "must be a string",
                )]))
            }
        };
        let labels = parse_labels(body.get("labels"))?;
        let now = Instant::now();
        let duration = self.config.provisioning;
        let server = self.server(project, server_id)?;
        ensure_idle(server, duration, now)?;
        let (from, architecture, disk_gb, image) = (
            (server.id, server.name.clone()),
            server.server_type.architecture,
            server.disk_gb,
            server.image,
        );
        let id = self.next_id();
        let snapshot = Snapshot {
            id,
            description,
            labels,
            created: rfc3339_now(),
            ready_at: now + duration,
            // A fresh system's disk compresses to about a twentieth.
            size_gb: (disk_gb as f64 / 20.0 * 100.0).round() / 100.0,
            disk_gb,
            from,
            architecture,
            image,
        };
        let action = self.new_action("create_image", server_id, now, duration);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.power_change = Some((
                now + duration,
                if server.powered_on { "running" } else { "off" },
            ));
        }
        p.snapshots.insert(id, snapshot.clone());
        p.actions.insert(action.id, action.clone());
        Ok((snapshot, action))
    }
}
