//! What lives in a team: SSH keys, droplets with their create actions, and tags.

use fake_kit::ssh::fingerprint;
use rand::Rng as _;
use serde_json::Value;

use super::World;
use crate::catalogue;
use crate::error::ApiError;

const MAX_USER_DATA_BYTES: usize = 64 * 1024;
const TAG_RULE: &str =
    "Tag names may only contain letters, numbers, colons, dashes and underscores.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshKey {
    pub id: i64,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropletStatus {
    New,
    Active,
    Off,
    Archive,
}

impl DropletStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Off => "off",
            Self::Archive => "archive",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Droplet {
    pub id: i64,
    pub name: String,
    pub region: &'static str,
    pub size: &'static str,
    pub image: &'static str,
    pub created_ms: i64,
    pub active_ms: i64,
    pub tags: Vec<String>,
    pub ssh_keys: Vec<i64>,
    pub ipv4: String,
    pub ipv6: Option<String>,
    /// Set by the admin API: `off` or `archive`.
    pub forced: Option<DropletStatus>,
    /// The latest action: (on before, on after, when it completes).
    pub power: Option<(bool, bool, i64)>,
    /// Whether DigitalOcean's backups are on (`enable_backups`).
    pub backups: bool,
    /// The disk's size: a resize without `disk` keeps it.
    pub disk_gb: i64,
    /// Snapshots taken by its `snapshot` action: (id, name, taken at,
    /// ready at), listed once ready.
    pub snapshots: Vec<(i64, String, i64, i64)>,
}

impl Droplet {
    pub fn status(&self, now_ms: i64) -> DropletStatus {
        match self.forced {
            Some(status) => status,
            None if now_ms < self.active_ms => DropletStatus::New,
            None => match self.power {
                Some((before, _, done_ms)) if now_ms < done_ms => on_or_off(before),
                Some((_, after, _)) => on_or_off(after),
                None => DropletStatus::Active,
            },
        }
    }
}

fn on_or_off(on: bool) -> DropletStatus {
    if on {
        DropletStatus::Active
    } else {
        DropletStatus::Off
    }
}

#[derive(Debug, Clone)]
pub struct Action {
    pub id: i64,
    pub kind: &'static str,
    pub team: String,
    pub resource_id: i64,
    pub region: &'static str,
    pub started_ms: i64,
    pub completes_ms: i64,
}

impl Action {
    pub fn status(&self, now_ms: i64) -> &'static str {
        if now_ms >= self.completes_ms {
            "completed"
        } else {
            "in-progress"
        }
    }
}

fn text<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// Droplet names: letters, digits, `.` and `-`.
pub(super) fn is_droplet_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

pub fn is_tag_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'))
}

impl World {
    pub(crate) fn team_or_404(&mut self, team: &str) -> Result<&mut super::Team, ApiError> {
        self.team_mut(team).ok_or_else(ApiError::not_found)
    }

    /// A key by id or by fingerprint.
    pub fn find_ssh_key(&self, team: &str, identifier: &str) -> Option<&SshKey> {
        self.team(team)?
            .ssh_keys
            .values()
            .find(|k| k.id.to_string() == identifier || k.fingerprint == identifier)
    }

    pub fn create_ssh_key(&mut self, team: &str, body: &Value) -> Result<SshKey, ApiError> {
        let name = text(body, "name").map(str::trim).filter(|n| !n.is_empty());
        let name = name
            .ok_or_else(|| ApiError::unprocessable("Name can't be blank"))?
            .to_string();
        let public_key = text(body, "public_key")
            .unwrap_or_default()
            .trim()
            .to_string();
        let fingerprint = fingerprint(&public_key).ok_or_else(|| {
            ApiError::unprocessable("Key invalid, key should be of the format `type key [comment]`")
        })?;
        let id = self.next_id();
        let keys = &mut self.team_or_404(team)?.ssh_keys;
        if keys.values().any(|k| k.fingerprint == fingerprint) {
            return Err(ApiError::unprocessable(
                "SSH Key is already in use on your account",
            ));
        }
        let key = SshKey {
            id,
            name,
            public_key,
            fingerprint,
        };
        keys.insert(id, key.clone());
        Ok(key)
    }

    pub fn rename_ssh_key(
        &mut self,
        team: &str,
        identifier: &str,
        body: &Value,
    ) -> Result<SshKey, ApiError> {
        let id = self
            .find_ssh_key(team, identifier)
            .ok_or_else(ApiError::not_found)?
            .id;
        let name = text(body, "name").map(str::trim).filter(|n| !n.is_empty());
        let name = name
            .ok_or_else(|| ApiError::unprocessable("Name can't be blank"))?
            .to_string();
        let key = self
            .team_or_404(team)?
            .ssh_keys
            .get_mut(&id)
            .ok_or_else(ApiError::not_found)?;
        key.name = name;
        Ok(key.clone())
    }

    pub fn delete_ssh_key(&mut self, team: &str, identifier: &str) -> Result<(), ApiError> {
        let id = self
            .find_ssh_key(team, identifier)
            .ok_or_else(ApiError::not_found)?
            .id;
        self.team_or_404(team)?.ssh_keys.remove(&id);
        Ok(())
    }

    /// `POST /v2/droplets`: validates like DigitalOcean, then answers the
    /// droplet (`new`) and its in-progress `create` action.
    pub fn create_droplet(&mut self, team: &str, body: &Value) -> Result<(Droplet, i64), ApiError> {
        let name = text(body, "name").unwrap_or_default();
        if !is_droplet_name(name) {
            return Err(ApiError::unprocessable(
                "Name is invalid: only letters, digits, periods and dashes are allowed.",
            ));
        }
        let region = text(body, "region")
            .and_then(catalogue::region)
            .ok_or_else(|| {
                ApiError::unprocessable("You specified an invalid region for Droplet creation.")
            })?;
        if !region.available {
            return Err(ApiError::unprocessable("Region is not available."));
        }
        let size = text(body, "size")
            .and_then(catalogue::size)
            .ok_or_else(|| {
                ApiError::unprocessable("You specified an invalid size for Droplet creation.")
            })?;
        if !size.sold_in(region.slug) {
            return Err(ApiError::unprocessable(
                "Size is not available in this region.",
            ));
        }
        let from_snapshot =
            self.snapshot_source(team, body.get("image"), region.slug, size.disk_gb)?;
        let image = match (from_snapshot, body.get("image")) {
            (Some(slug), _) => catalogue::image(slug),
            (None, Some(Value::String(slug))) => catalogue::image(slug),
            (None, Some(Value::Number(id))) => catalogue::image(&id.to_string()),
            _ => None,
        }
        .ok_or_else(|| {
            ApiError::unprocessable("You specified an invalid image for Droplet creation.")
        })?;
        if !image.offered_in(region.slug) && from_snapshot.is_none() {
            return Err(ApiError::unprocessable(
                "Image is not available in this region.",
            ));
        }
        let ssh_keys = self.droplet_ssh_keys(team, body.get("ssh_keys"))?;
        let tags = match body.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| t.as_str().filter(|t| is_tag_name(t)).map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::unprocessable(TAG_RULE))?,
            Some(_) => return Err(ApiError::bad_request("tags must be an array of strings")),
        };
        if text(body, "user_data").is_some_and(|d| d.len() > MAX_USER_DATA_BYTES) {
            return Err(ApiError::unprocessable(
                "user_data must be less than 64 KiB.",
            ));
        }
        let limit = self.config.droplet_limit;
        let provisioning = i64::try_from(self.config.provisioning.as_millis()).unwrap_or(i64::MAX);
        let now = self.clock.now_ms();
        let (id, action_id) = (self.next_id(), self.next_id());
        let mut rng = rand::thread_rng();
        let droplet = Droplet {
            id,
            name: name.into(),
            region: region.slug,
            size: size.slug,
            image: image.slug,
            created_ms: now,
            active_ms: now.saturating_add(provisioning),
            tags: tags.clone(),
            ssh_keys,
            ipv4: format!("164.90.{}.{}", rng.gen_range(1..255), rng.gen_range(1..255)),
            ipv6: (body.get("ipv6") == Some(&Value::Bool(true)))
                .then(|| format!("2a03:b0c0:3:d0::{:x}:1", rng.gen_range(0x100..0xffff))),
            forced: None,
            power: None,
            backups: false,
            disk_gb: size.disk_gb,
            snapshots: Vec::new(),
        };
        let team_record = self.team_or_404(team)?;
        if team_record.droplets.len() >= limit {
            return Err(ApiError::unprocessable(format!(
                "creating this/these droplet(s) will exceed your droplet limit ({limit})"
            )));
        }
        for tag in &tags {
            if !team_record.tags.contains(tag) {
                team_record.tags.push(tag.clone());
            }
        }
        team_record.droplets.insert(id, droplet.clone());
        self.actions.insert(
            action_id,
            Action {
                id: action_id,
                kind: "create",
                team: team.into(),
                resource_id: id,
                region: region.slug,
                started_ms: now,
                completes_ms: droplet.active_ms,
            },
        );
        Ok((droplet, action_id))
    }

    /// The `ssh_keys` of a droplet create body: ids or fingerprints of the team's keys.
    fn droplet_ssh_keys(&self, team: &str, field: Option<&Value>) -> Result<Vec<i64>, ApiError> {
        let invalid =
            || ApiError::unprocessable("You specified an invalid SSH key for Droplet creation.");
        match field {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    let identifier = match item {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err(invalid()),
                    };
                    self.find_ssh_key(team, &identifier)
                        .map(|k| k.id)
                        .ok_or_else(invalid)
                })
                .collect(),
            Some(_) => Err(ApiError::bad_request("ssh_keys must be an array")),
        }
    }

    pub fn delete_droplet(&mut self, team: &str, id: &str) -> Result<(), ApiError> {
        let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
        let team = self.team_or_404(team)?;
        let droplet = team.droplets.remove(&id).ok_or_else(ApiError::not_found)?;
        if !droplet.snapshots.is_empty() {
            team.gone.insert(id, droplet);
        }
        Ok(())
    }

    /// `POST /v2/tags`: creates the tag, or answers the existing one.
    pub fn create_tag(&mut self, team: &str, body: &Value) -> Result<String, ApiError> {
        let name = text(body, "name").unwrap_or_default();
        if !is_tag_name(name) {
            // `POST /v2/tags` documents its 400 in the root-causes shape.
            let mut error = ApiError::bad_request(TAG_RULE);
            error.with_root_causes = true;
            return Err(error);
        }
        let tags = &mut self.team_or_404(team)?.tags;
        if !tags.iter().any(|t| t == name) {
            tags.push(name.to_string());
        }
        Ok(name.to_string())
    }

    pub fn delete_tag(&mut self, team: &str, name: &str) -> Result<(), ApiError> {
        let team = self.team_or_404(team)?;
        let before = team.tags.len();
        team.tags.retain(|t| t != name);
        if team.tags.len() == before {
            return Err(ApiError::not_found());
        }
        for droplet in team.droplets.values_mut() {
            droplet.tags.retain(|t| t != name);
        }
        Ok(())
    }
}
