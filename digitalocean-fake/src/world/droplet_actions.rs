//! Droplet actions (`POST /v2/droplets/{id}/actions` with a `type`): power
//! actions and `rename`. Each completes after the provisioning time; through
//! a power action the droplet reads `active` or `off` as it was until then;
//! a rename shows at once. A second action while one is pending is refused
//! with 422, as DigitalOcean answers "pending event".

use serde_json::Value;

use super::{Action, World};
use crate::error::ApiError;

/// The power types: (type, on afterwards).
const TYPES: [(&str, bool); 5] = [
    ("power_on", true),
    ("shutdown", false),
    ("power_off", false),
    ("reboot", true),
    ("power_cycle", true),
];

impl World {
    pub fn droplet_action(
        &mut self,
        team: &str,
        id: &str,
        body: &Value,
    ) -> Result<Action, ApiError> {
        let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
        let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
        let new_name = body.get("name").and_then(Value::as_str);
        let (kind, on_after) = match TYPES.iter().find(|(name, _)| *name == kind) {
            Some(&(kind, on_after)) => (kind, Some(on_after)),
            None if kind == "rename" => match new_name {
                Some(name) if super::resources::is_droplet_name(name) => ("rename", None),
                _ => return Err(ApiError::unprocessable("Name is invalid.")),
            },
            None => return Err(ApiError::unprocessable("The action type is not supported.")),
        };
        let now = self.clock.now_ms();
        let duration = i64::try_from(self.config.provisioning.as_millis()).unwrap_or(i64::MAX);
        let action_id = self.next_id();
        let droplet = self
            .team_or_404(team)?
            .droplets
            .get_mut(&id)
            .ok_or_else(ApiError::not_found)?;
        let pending =
            now < droplet.active_ms || droplet.power.is_some_and(|(_, _, done)| now < done);
        if pending {
            return Err(ApiError::unprocessable(
                "Droplet already has a pending event.",
            ));
        }
        let on_before = droplet.status(now) == super::DropletStatus::Active;
        let done_ms = now.saturating_add(duration);
        match (on_after, new_name) {
            (Some(on_after), _) => droplet.power = Some((on_before, on_after, done_ms)),
            (None, Some(name)) => {
                droplet.name = name.to_string();
                // Pending until done, as a power action is.
                droplet.power = Some((on_before, on_before, done_ms));
            }
            (None, None) => {}
        }
        let action = Action {
            id: action_id,
            kind,
            team: team.into(),
            resource_id: id,
            region: droplet.region,
            started_ms: now,
            completes_ms: done_ms,
        };
        self.actions.insert(action_id, action.clone());
        Ok(action)
    }
}
