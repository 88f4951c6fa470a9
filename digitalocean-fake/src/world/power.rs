//! Droplet power actions (`POST /v2/droplets/{id}/actions` with a `type`):
//! each completes after the provisioning time; the droplet reads `active`
//! or `off` as it was until then. A second action while one is pending is
//! refused with 422, as DigitalOcean answers "pending event".

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
        let &(kind, on_after) = TYPES
            .iter()
            .find(|(name, _)| *name == kind)
            .ok_or_else(|| ApiError::unprocessable("The action type is not supported."))?;
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
        droplet.power = Some((on_before, on_after, done_ms));
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
