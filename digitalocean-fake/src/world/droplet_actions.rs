//! Droplet actions (`POST /v2/droplets/{id}/actions` with a `type`): power
//! actions, `rename`, `enable_backups`/`disable_backups`, `resize` and
//! `rebuild` (a distribution image by slug or id) and `snapshot` (listed by
//! `GET /v2/droplets/{id}/snapshots` once it completes). Each
//! completes after the provisioning time; through a power action the
//! droplet reads `active` or `off` as it was until then; a rename and a
//! backups change show at once. A resize needs the droplet off, a size sold
//! in its region whose disk holds the droplet's, and leaves it off. A second
//! action while one is pending is refused with 422, as DigitalOcean answers
//! "pending event".

use serde_json::Value;

use super::{Action, DropletStatus, World};
use crate::catalogue::{self, Size};
use crate::error::ApiError;

/// The power types: (type, on afterwards).
const TYPES: [(&str, bool); 5] = [
    ("power_on", true),
    ("shutdown", false),
    ("power_off", false),
    ("reboot", true),
    ("power_cycle", true),
];

/// What an action changes, once its body is read.
enum Change<'a> {
    Power(bool),
    Rename(&'a str),
    Backups(bool),
    Resize {
        size: &'static Size,
        disk: bool,
    },
    /// From a distribution image, or (`None`) from one of the droplet's
    /// snapshots, checked once the droplet is found.
    Rebuild(Option<&'static catalogue::Image>, i64),
    Snapshot(String),
}

fn change<'a>(kind: &str, body: &'a Value) -> Result<(&'static str, Change<'a>), ApiError> {
    if let Some(&(kind, on_after)) = TYPES.iter().find(|(name, _)| *name == kind) {
        return Ok((kind, Change::Power(on_after)));
    }
    match kind {
        "rename" => match body.get("name").and_then(Value::as_str) {
            Some(name) if super::resources::is_droplet_name(name) => {
                Ok(("rename", Change::Rename(name)))
            }
            _ => Err(ApiError::unprocessable("Name is invalid.")),
        },
        "enable_backups" => {
            let plan = body.pointer("/backup_policy/plan").and_then(Value::as_str);
            if !matches!(plan, None | Some("daily" | "weekly")) {
                return Err(ApiError::unprocessable("The backup plan is invalid."));
            }
            Ok(("enable_backups", Change::Backups(true)))
        }
        "disable_backups" => Ok(("disable_backups", Change::Backups(false))),
        "snapshot" => {
            let name = match body.get("name") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(name)) => name.clone(),
                Some(_) => return Err(ApiError::unprocessable("The name is invalid.")),
            };
            Ok(("snapshot", Change::Snapshot(name)))
        }
        "rebuild" => {
            let (image, id) = match body.get("image") {
                Some(Value::String(image)) => (catalogue::image(image), image.parse().unwrap_or(0)),
                Some(Value::Number(image)) => (
                    catalogue::image(&image.to_string()),
                    image.as_i64().unwrap_or(0),
                ),
                _ => return Err(ApiError::unprocessable("You specified an invalid image.")),
            };
            Ok(("rebuild", Change::Rebuild(image, id)))
        }
        "resize" => {
            let size = body
                .get("size")
                .and_then(Value::as_str)
                .and_then(catalogue::size)
                .ok_or_else(|| ApiError::unprocessable("You specified an invalid size."))?;
            let disk = body.get("disk").and_then(Value::as_bool).unwrap_or(false);
            Ok(("resize", Change::Resize { size, disk }))
        }
        _ => Err(ApiError::unprocessable("The action type is not supported.")),
    }
}

impl World {
    pub fn droplet_action(
        &mut self,
        team: &str,
        id: &str,
        body: &Value,
    ) -> Result<Action, ApiError> {
        let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
        let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
        let (kind, change) = change(kind, body)?;
        let now = self.clock.now_ms();
        let duration = i64::try_from(self.config.provisioning.as_millis()).unwrap_or(i64::MAX);
        let (action_id, snapshot_id) = (self.next_id(), self.next_id());
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
        let on_before = droplet.status(now) == DropletStatus::Active;
        let done_ms = now.saturating_add(duration);
        // Every action is pending until done, as a power action is.
        let on_after = match change {
            Change::Power(on_after) => on_after,
            Change::Rename(name) => {
                droplet.name = name.to_string();
                on_before
            }
            Change::Backups(on) => {
                droplet.backups = on;
                on_before
            }
            Change::Resize { size, disk } => {
                if on_before {
                    return Err(ApiError::unprocessable(
                        "Droplet must be powered off before resizing.",
                    ));
                }
                if !size.sold_in(droplet.region) || size.disk_gb < droplet.disk_gb {
                    return Err(ApiError::unprocessable(
                        "This size is not available for this Droplet.",
                    ));
                }
                droplet.size = size.slug;
                if disk {
                    droplet.disk_gb = size.disk_gb;
                }
                false
            }
            Change::Rebuild(Some(image), _) => {
                droplet.image = image.slug;
                on_before
            }
            // Restored from its own snapshot: the image it was made from.
            Change::Rebuild(None, id) if droplet.snapshots.iter().any(|(s, ..)| *s == id) => {
                on_before
            }
            Change::Rebuild(None, _) => {
                return Err(ApiError::unprocessable("You specified an invalid image."))
            }
            Change::Snapshot(name) => {
                let name = if name.is_empty() {
                    format!("{}-{now}", droplet.name)
                } else {
                    name
                };
                droplet.snapshots.push((snapshot_id, name, now, done_ms));
                on_before
            }
        };
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
