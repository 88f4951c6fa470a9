//! Power actions on a server (`POST /servers/{id}/actions/{command}`): each
//! runs for the provisioning time, shows its status meanwhile (`starting`,
//! `stopping`, or `running` through a reboot) and locks the server, as
//! Hetzner does: a second action while one runs answers 423 `locked`.

use std::time::{Duration, Instant};

use super::{Action, ProjectId, Server, World};
use crate::error::ApiError;

/// The power commands: (command, on afterwards, status while it runs).
const COMMANDS: [(&str, bool, &str); 5] = [
    ("poweron", true, "starting"),
    ("shutdown", false, "stopping"),
    ("poweroff", false, "stopping"),
    ("reboot", true, "running"),
    ("reset", true, "running"),
];

/// Whether `command` is a power action this fake models.
pub fn is_power_command(command: &str) -> bool {
    COMMANDS.iter().any(|(name, _, _)| *name == command)
}

/// A server still being created, or in the middle of an action, is locked.
pub(super) fn ensure_idle(
    server: &Server,
    duration: Duration,
    now: Instant,
) -> Result<(), ApiError> {
    let busy = server.created_at.elapsed() < duration
        || server.power_change.is_some_and(|(until, _)| now < until);
    if busy {
        return Err(ApiError::new(
            http::StatusCode::LOCKED,
            "locked",
            "server is locked by another action",
        ));
    }
    Ok(())
}

impl World {
    pub fn power_action(
        &mut self,
        project: ProjectId,
        server_id: i64,
        command: &str,
    ) -> Result<Action, ApiError> {
        let &(command, on, during) = COMMANDS
            .iter()
            .find(|(name, _, _)| *name == command)
            .ok_or_else(|| ApiError::not_found("action"))?;
        let duration = self.config.provisioning;
        let now = Instant::now();
        let server = self
            .project(project)?
            .servers
            .get(&server_id)
            .ok_or_else(|| ApiError::not_found("server"))?;
        ensure_idle(server, duration, now)?;
        let action = self.new_action(command, server_id, now, duration);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.powered_on = on;
            server.power_change = Some((now + duration, during));
        }
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }
}
