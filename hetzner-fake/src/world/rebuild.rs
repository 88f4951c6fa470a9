//! Rebuilds (`POST /servers/{id}/actions/rebuild` with `image`, an id or a
//! name): the disk is written anew from an image built for the server's
//! architecture, or from one of the project's snapshots; a rebuild-protected server refuses with `protected`; the
//! server is locked while it runs (status `rebuilding`), then runs. Hetzner
//! answers a new `root_password` for a server created without an SSH key.

use serde_json::Value;
use std::time::Instant;

use super::power::ensure_idle;
use super::{random_token, Action, ProjectId, World};
use crate::catalogue;
use crate::error::ApiError;

impl World {
    pub fn rebuild(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: &Value,
    ) -> Result<(Action, Option<String>), ApiError> {
        let wanted = match body.get("image") {
            Some(Value::String(image)) => image.clone(),
            Some(Value::Number(image)) => image.to_string(),
            _ => return Err(ApiError::invalid_input(&[("image", "is missing")])),
        };
        let now = Instant::now();
        let duration = self.config.provisioning;
        let server = self.server(project, server_id)?;
        ensure_idle(server, duration, now)?;
        if server.delete_protected {
            return Err(ApiError::from_code(
                "protected",
                "server is rebuild protected",
            ));
        }
        let architecture = server.server_type.architecture;
        let snapshot = self.project(project)?.snapshots.values().find(|snapshot| {
            snapshot.id.to_string() == wanted && snapshot.architecture == architecture
        });
        let image = match snapshot {
            // Restored from a snapshot: the image it was made from.
            Some(_) => server.image,
            None => catalogue::image(&wanted, architecture)
                .filter(|image| image.architecture == architecture)
                .ok_or_else(|| ApiError::invalid_input(&[("image", "image not found")]))?,
        };
        let root_password = (!server.has_ssh_keys).then(|| random_token()[..20].to_string());
        let action = self.new_action("rebuild_server", server_id, now, duration);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.image = image;
            server.powered_on = true;
            server.power_change = Some((now + duration, "rebuilding"));
        }
        p.actions.insert(action.id, action.clone());
        Ok((action, root_password))
    }
}
