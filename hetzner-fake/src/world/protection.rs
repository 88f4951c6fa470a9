//! Protection (`POST /servers/{id}/actions/change_protection` with `delete`
//! and `rebuild`, which Hetzner requires to be equal): a protected server
//! refuses deletion with `protected`. Finishes at once.

use serde_json::Value;
use std::time::{Duration, Instant};

use super::{Action, ProjectId, World};
use crate::error::ApiError;

impl World {
    pub fn change_protection(
        &mut self,
        project: ProjectId,
        server_id: i64,
        body: &Value,
    ) -> Result<Action, ApiError> {
        let flag = |name: &str| match body.get(name) {
            None => Ok(None),
            Some(Value::Bool(on)) => Ok(Some(*on)),
            Some(_) => Err(ApiError::invalid_input(&[(name, "must be a boolean")])),
        };
        let (delete, rebuild) = (flag("delete")?, flag("rebuild")?);
        let on = match (delete, rebuild) {
            (Some(delete), Some(rebuild)) if delete != rebuild => {
                return Err(ApiError::invalid_input(&[(
                    "rebuild",
                    "delete and rebuild protection must have the same value",
                )]))
            }
            (Some(on), _) | (None, Some(on)) => on,
            (None, None) => {
                return Err(ApiError::invalid_input(&[("delete", "is missing")]));
            }
        };
        if !self.project(project)?.servers.contains_key(&server_id) {
            return Err(ApiError::not_found("server"));
        }
        let action = self.new_action(
            "change_protection",
            server_id,
            Instant::now(),
            Duration::ZERO,
        );
        let p = self.project_mut(project)?;
        if let Some(server) = p.servers.get_mut(&server_id) {
            server.delete_protected = on;
        }
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }
}
