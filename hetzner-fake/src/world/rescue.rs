//! The rescue system (`enable_rescue` with `type` linux64 and the project's
//! `ssh_keys`, `disable_rescue`): a flag the next start boots; enabling
//! answers the rescue system's root password. Both finish at once and are
//! refused while another action locks the server.

use serde_json::Value;
use std::time::{Duration, Instant};

use super::power::ensure_idle;
use super::{random_token, Action, ProjectId, World};
use crate::error::ApiError;

impl World {
    /// `body` is `enable_rescue`'s; `None` disables it.
    pub fn set_rescue(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: Option<&Value>,
    ) -> Result<(Action, Option<String>), ApiError> {
        if let Some(body) = body {
            if !matches!(body.get("type"), None | Some(Value::Null)) && body["type"] != "linux64" {
                return Err(ApiError::invalid_input(&[("type", "unknown rescue type")]));
            }
            let keys = self.project(project)?;
            let known = |id: &Value| {
                id.as_i64()
                    .is_some_and(|id| keys.ssh_keys.contains_key(&id))
            };
            let listed = body.get("ssh_keys").and_then(Value::as_array);
            if listed.is_some_and(|ids| !ids.iter().all(known)) {
                return Err(ApiError::invalid_input(&[(
                    "ssh_keys",
                    "ssh key not found",
                )]));
            }
        }
        let now = Instant::now();
        let duration = self.config.provisioning;
        ensure_idle(self.server(project, server_id)?, duration, now)?;
        let on = body.is_some();
        let command = if on {
            "enable_rescue"
        } else {
            "disable_rescue"
        };
        let action = self.new_action(command, server_id, now, Duration::ZERO);
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.rescue_enabled = on;
        }
        p.actions.insert(action.id, action.clone());
        Ok((action, on.then(|| random_token()[..20].to_string())))
    }
}
