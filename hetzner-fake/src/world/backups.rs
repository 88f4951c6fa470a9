//! Backups (`enable_backup`, `disable_backup`) and type changes
//! (`change_type` with `server_type` and `upgrade_disk`), as Hetzner
//! describes them: backups finish at once; a type change needs the server
//! off (`server_not_stopped`), a type of the same architecture whose disk
//! holds the server's (`invalid_server_type`), locks the server while it
//! copies the disk, and starts it again.

use serde_json::Value;
use std::time::{Duration, Instant};

use super::power::ensure_idle;
use super::{server_status, Action, ProjectId, World};
use crate::catalogue;
use crate::error::ApiError;

/// Hetzner's daily backup window (no longer chosen by the caller).
const BACKUP_WINDOW: &str = "22-02";

impl World {
    pub fn set_backups(
        &mut self,
        project: ProjectId,
        server_id: i64,
        on: bool,
    ) -> Result<Action, ApiError> {
        let now = Instant::now();
        let duration = self.config.provisioning;
        let server = self.server(project, server_id)?;
        ensure_idle(server, duration, now)?;
        let command = if on {
            "enable_backup"
        } else {
            "disable_backup"
        };
        let action = self.new_action(command, server_id, now, Duration::ZERO);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.backup_window = on.then_some(BACKUP_WINDOW);
        }
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }

    pub fn change_type(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: &Value,
    ) -> Result<Action, ApiError> {
        let wanted = body.get("server_type").and_then(Value::as_str);
        let upgrade_disk = match body.get("upgrade_disk") {
            None => true,
            Some(Value::Bool(upgrade)) => *upgrade,
            Some(_) => {
                return Err(ApiError::invalid_input(&[(
                    "upgrade_disk",
                    "must be a boolean",
                )]))
            }
        };
        let Some(wanted) = wanted else {
            return Err(ApiError::invalid_input(&[("server_type", "is missing")]));
        };
        let now = Instant::now();
        let config = self.config.clone();
        let server = self.server(project, server_id)?;
        ensure_idle(server, config.provisioning, now)?;
        if server_status(server, &config) != "off" {
            return Err(ApiError::from_code(
                "server_not_stopped",
                "server must be stopped",
            ));
        }
        let invalid = || {
            ApiError::from_code(
                "invalid_server_type",
                "the server type does not fit for the given server",
            )
        };
        let new_type = catalogue::server_type(wanted).ok_or_else(invalid)?;
        let fits = !new_type.deprecated
            && new_type.architecture == server.server_type.architecture
            && new_type.disk >= server.disk_gb
            && new_type.orderable_in(server.location.name);
        if !fits {
            return Err(invalid());
        }
        let action = self.new_action("change_type", server_id, now, config.provisioning);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.server_type = new_type;
            if upgrade_disk {
                server.disk_gb = new_type.disk;
            }
            server.powered_on = true;
            server.power_change = Some((now + config.provisioning, "migrating"));
        }
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }

    pub(super) fn server(
        &self,
        project: ProjectId,
        server_id: i64,
    ) -> Result<&super::Server, ApiError> {
        self.project(project)?
            .servers
            .get(&server_id)
            .ok_or_else(|| ApiError::not_found("server"))
    }
}
