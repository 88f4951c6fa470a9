//! The fake's in-memory world: projects, their tokens, servers, SSH keys
//! and actions, and each project's rate-limit bucket.

use base64::Engine as _;
use md5::{Digest, Md5};
use rand::distributions::Alphanumeric;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::catalogue::{self, Image, Location, ServerType};
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Read,
    ReadWrite,
}

/// How the fake behaves over time and under load.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Time from create to running: half `create_server`, half `start_server`.
    pub provisioning: Duration,
    /// Rate-limit bucket size per project.
    pub rate_limit: u32,
    /// Requests per second the bucket refills.
    pub refill_per_sec: f64,
    /// Servers a project may hold before `resource_limit_exceeded`.
    pub server_limit: usize,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            provisioning: Duration::from_secs(20),
            rate_limit: 3600,
            refill_per_sec: 1.0,
            server_limit: 10,
        }
    }
}

pub fn rfc3339_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn random_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect()
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The three rate-limit headers' values after a request.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitState {
    pub limit: u32,
    pub remaining: u32,
    pub reset_unix: i64,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub id: i64,
    pub name: String,
    pub server_type: &'static ServerType,
    pub location: &'static Location,
    pub image: &'static Image,
    pub labels: BTreeMap<String, String>,
    pub created: String,
    pub created_at: Instant,
    pub ipv4: String,
    pub ipv6_net: String,
    pub delete_protected: bool,
}

#[derive(Debug, Clone)]
pub struct SshKey {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub public_key: String,
    pub labels: BTreeMap<String, String>,
    pub created: String,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub id: i64,
    pub command: &'static str,
    pub started: String,
    pub starts_at: Instant,
    pub duration: Duration,
    pub server_id: i64,
}

#[derive(Debug)]
pub struct Project {
    pub name: String,
    pub servers: BTreeMap<i64, Server>,
    pub ssh_keys: BTreeMap<i64, SshKey>,
    pub actions: BTreeMap<i64, Action>,
    pub server_limit: usize,
    bucket: Bucket,
}

#[derive(Debug)]
pub struct World {
    pub config: FakeConfig,
    pub projects: Vec<Project>,
    pub tokens: HashMap<String, (usize, Permission)>,
    next_id: i64,
}

impl World {
    pub fn new(config: FakeConfig) -> Self {
        Self {
            config,
            projects: Vec::new(),
            tokens: HashMap::new(),
            next_id: 1_000_000,
        }
    }

    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn add_project(&mut self, name: &str) -> usize {
        self.projects.push(Project {
            name: name.into(),
            servers: BTreeMap::new(),
            ssh_keys: BTreeMap::new(),
            actions: BTreeMap::new(),
            server_limit: self.config.server_limit,
            bucket: Bucket {
                tokens: f64::from(self.config.rate_limit),
                updated: Instant::now(),
            },
        });
        self.projects.len() - 1
    }

    pub fn project_index(&self, name: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.name == name)
    }

    pub fn add_token(
        &mut self,
        project: usize,
        permission: Permission,
        token: Option<String>,
    ) -> String {
        let token = token.unwrap_or_else(random_token);
        self.tokens.insert(token.clone(), (project, permission));
        token
    }

    pub fn revoke_token(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    pub fn authenticate(
        &self,
        authorization: Option<&str>,
    ) -> Result<(usize, Permission), ApiError> {
        authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|token| self.tokens.get(token.trim()))
            .copied()
            .ok_or_else(ApiError::unauthorized)
    }

    /// Takes one request from the project's bucket; `Err` when it is empty.
    pub fn consume(&mut self, project: usize) -> Result<RateLimitState, RateLimitState> {
        let capacity = f64::from(self.config.rate_limit);
        let refill = self.config.refill_per_sec.max(f64::MIN_POSITIVE);
        let Some(p) = self.projects.get_mut(project) else {
            return Err(RateLimitState {
                limit: self.config.rate_limit,
                remaining: 0,
                reset_unix: unix_now(),
            });
        };
        let now = Instant::now();
        let elapsed = now.duration_since(p.bucket.updated).as_secs_f64();
        p.bucket.tokens = (p.bucket.tokens + elapsed * refill).min(capacity);
        p.bucket.updated = now;
        let allowed = p.bucket.tokens >= 1.0;
        if allowed {
            p.bucket.tokens -= 1.0;
        }
        let state = RateLimitState {
            limit: self.config.rate_limit,
            remaining: p.bucket.tokens.floor().max(0.0) as u32,
            reset_unix: unix_now() + ((capacity - p.bucket.tokens) / refill).ceil() as i64,
        };
        if allowed {
            Ok(state)
        } else {
            Err(state)
        }
    }

    /// Empties a project's bucket, as a burst of other clients would.
    pub fn exhaust(&mut self, project: usize) {
        if let Some(p) = self.projects.get_mut(project) {
            p.bucket.tokens = 0.0;
            p.bucket.updated = Instant::now();
        }
    }

    pub fn project(&self, index: usize) -> Result<&Project, ApiError> {
        self.projects.get(index).ok_or_else(ApiError::unauthorized)
    }

    fn project_mut(&mut self, index: usize) -> Result<&mut Project, ApiError> {
        self.projects
            .get_mut(index)
            .ok_or_else(ApiError::unauthorized)
    }

    pub fn create_ssh_key(&mut self, project: usize, body: &Value) -> Result<Value, ApiError> {
        let name = body.get("name").and_then(Value::as_str);
        let public_key = body.get("public_key").and_then(Value::as_str);
        let mut missing = Vec::new();
        if name.is_none_or(|n| n.trim().is_empty()) {
            missing.push(("name", "is required"));
        }
        if public_key.is_none() {
            missing.push(("public_key", "is required"));
        }
        if !missing.is_empty() {
            return Err(ApiError::invalid_input(&missing));
        }
        let (name, public_key) = (name.unwrap_or_default(), public_key.unwrap_or_default());
        let labels = parse_labels(body.get("labels"))?;
        let fingerprint = fingerprint(public_key)
            .ok_or_else(|| ApiError::invalid_input(&[("public_key", "invalid public key")]))?;
        let p = self.project(project)?;
        if p.ssh_keys.values().any(|k| k.fingerprint == fingerprint) {
            return Err(ApiError::uniqueness(
                "public_key",
                "SSH key with the same fingerprint already exists",
            ));
        }
        if p.ssh_keys.values().any(|k| k.name == name) {
            return Err(ApiError::uniqueness(
                "name",
                "SSH key with the same name already exists",
            ));
        }
        let id = self.next_id();
        let key = SshKey {
            id,
            name: name.into(),
            fingerprint,
            public_key: public_key.trim().into(),
            labels,
            created: rfc3339_now(),
        };
        let json = ssh_key_json(&key);
        self.project_mut(project)?.ssh_keys.insert(id, key);
        Ok(json!({ "ssh_key": json }))
    }

    pub fn delete_ssh_key(&mut self, project: usize, id: i64) -> Result<(), ApiError> {
        self.project_mut(project)?
            .ssh_keys
            .remove(&id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found("ssh_key"))
    }

    pub fn create_server(&mut self, project: usize, body: &Value) -> Result<Value, ApiError> {
        let field = |name: &str| {
            body.get(name).and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        };
        let (name, type_name, image_name) = (field("name"), field("server_type"), field("image"));
        let missing: Vec<(&str, &str)> = [
            ("name", &name),
            ("server_type", &type_name),
            ("image", &image_name),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(f, _)| (f, "is required"))
        .collect();
        if !missing.is_empty() {
            return Err(ApiError::invalid_input(&missing));
        }
        let (name, type_name, image_name) = (
            name.unwrap_or_default(),
            type_name.unwrap_or_default(),
            image_name.unwrap_or_default(),
        );
        if !rules::is_valid_server_name(&name) {
            return Err(ApiError::invalid_input(&[(
                "name",
                "must be a valid hostname",
            )]));
        }
        let labels = parse_labels(body.get("labels"))?;
        let server_type = catalogue::server_type(&type_name)
            .ok_or_else(|| ApiError::invalid_input(&[("server_type", "server type not found")]))?;
        let location_name = field("location").unwrap_or_else(|| "fsn1".into());
        let location = catalogue::location(&location_name)
            .ok_or_else(|| ApiError::invalid_input(&[("location", "location not found")]))?;
        let image = catalogue::image(&image_name, server_type.architecture)
            .ok_or_else(|| ApiError::invalid_input(&[("image", "image not found")]))?;
        if image.architecture != server_type.architecture {
            return Err(ApiError::invalid_input(&[(
                "image",
                "image architecture does not match server type",
            )]));
        }
        let key_refs: Vec<String> = match body.get("ssh_keys") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_i64().map(|n| n.to_string()))
                })
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    ApiError::invalid_input(&[("ssh_keys", "must be a list of ids or names")])
                })?,
            Some(_) => {
                return Err(ApiError::invalid_input(&[(
                    "ssh_keys",
                    "must be a list of ids or names",
                )]))
            }
        };
        let p = self.project(project)?;
        for key in &key_refs {
            if !p
                .ssh_keys
                .values()
                .any(|k| k.id.to_string() == *key || k.name == *key)
            {
                return Err(ApiError::invalid_input(&[(
                    "ssh_keys",
                    "ssh key not found",
                )]));
            }
        }
        if p.servers.values().any(|s| s.name == name) {
            return Err(ApiError::uniqueness("name", "server name is already used"));
        }
        if !server_type.locations.contains(&location.name) {
            return Err(ApiError::new(
                http::StatusCode::PRECONDITION_FAILED,
                "resource_unavailable",
                format!(
                    "server type {} is not available in location {}",
                    server_type.name, location.name
                ),
            ));
        }
        if p.servers.len() >= p.server_limit {
            return Err(ApiError::new(
                http::StatusCode::FORBIDDEN,
                "resource_limit_exceeded",
                "server limit exceeded",
            )
            .with_details(json!({ "limits": [{ "name": "server_limit" }] })));
        }
        let id = self.next_id();
        let server = self.new_server(id, name, server_type, location, image, labels);
        let half = self.config.provisioning / 2;
        let create = self.new_action("create_server", id, server.created_at, half);
        let start = self.new_action("start_server", id, server.created_at + half, half);
        let root_password = key_refs
            .is_empty()
            .then(|| random_token()[..20].to_string());
        let response = json!({
            "server": server_json(&server, &self.config),
            "action": action_json(&create),
            "next_actions": [action_json(&start)],
            "root_password": root_password,
        });
        let p = self.project_mut(project)?;
        p.actions.insert(create.id, create);
        p.actions.insert(start.id, start);
        p.servers.insert(id, server);
        Ok(response)
    }

    fn new_server(
        &mut self,
        id: i64,
        name: String,
        server_type: &'static ServerType,
        location: &'static Location,
        image: &'static Image,
        labels: BTreeMap<String, String>,
    ) -> Server {
        let n = id % 65_000;
        Server {
            id,
            name,
            server_type,
            location,
            image,
            labels,
            created: rfc3339_now(),
            created_at: Instant::now(),
            ipv4: format!("95.217.{}.{}", n / 250, n % 250 + 2),
            ipv6_net: format!("2a01:4f9:c012:{n:x}::/64"),
            delete_protected: false,
        }
    }

    fn new_action(
        &mut self,
        command: &'static str,
        server_id: i64,
        starts_at: Instant,
        duration: Duration,
    ) -> Action {
        Action {
            id: self.next_id(),
            command,
            started: rfc3339_now(),
            starts_at,
            duration,
            server_id,
        }
    }

    /// Puts a running server straight into a project (seeds and tests).
    pub fn seed_server(
        &mut self,
        project: usize,
        name: &str,
        type_name: &str,
        location: &str,
        image: &str,
    ) -> Option<i64> {
        let server_type = catalogue::server_type(type_name)?;
        let location = catalogue::location(location)?;
        let image = catalogue::image(image, server_type.architecture)?;
        let id = self.next_id();
        let mut server = self.new_server(
            id,
            name.into(),
            server_type,
            location,
            image,
            BTreeMap::new(),
        );
        server.created_at = Instant::now()
            .checked_sub(self.config.provisioning)
            .unwrap_or_else(Instant::now);
        self.projects.get_mut(project)?.servers.insert(id, server);
        Some(id)
    }

    pub fn set_delete_protection(&mut self, project: usize, server_id: i64, on: bool) -> bool {
        self.projects
            .get_mut(project)
            .and_then(|p| p.servers.get_mut(&server_id))
            .map(|s| s.delete_protected = on)
            .is_some()
    }

    pub fn delete_server(&mut self, project: usize, id: i64) -> Result<Value, ApiError> {
        let server = self
            .project(project)?
            .servers
            .get(&id)
            .ok_or_else(|| ApiError::not_found("server"))?;
        if server.delete_protected {
            return Err(ApiError::new(
                http::StatusCode::LOCKED,
                "protected",
                "server deletion is protected",
            ));
        }
        let action = self.new_action("delete_server", id, Instant::now(), Duration::ZERO);
        let json = action_json(&action);
        let p = self.project_mut(project)?;
        p.servers.remove(&id);
        p.actions.insert(action.id, action);
        Ok(json!({ "action": json }))
    }
}

/// A server's status from the time since it was created.
pub fn server_status(server: &Server, config: &FakeConfig) -> &'static str {
    let age = server.created_at.elapsed();
    if age >= config.provisioning {
        "running"
    } else if age >= config.provisioning / 2 {
        "starting"
    } else {
        "initializing"
    }
}

pub fn server_json(s: &Server, config: &FakeConfig) -> Value {
    json!({
        "id": s.id, "name": s.name, "status": server_status(s, config), "created": s.created,
        "public_net": {
            "ipv4": { "id": s.id + 1, "ip": s.ipv4, "blocked": false, "dns_ptr": format!("static.{}.clients.your-server.de", s.ipv4) },
            "ipv6": { "id": s.id + 2, "ip": s.ipv6_net, "blocked": false, "dns_ptr": [] },
            "floating_ips": [], "firewalls": [],
        },
        "private_net": [],
        "server_type": catalogue::server_type_json(s.server_type),
        "location": catalogue::location_json(s.location),
        "image": catalogue::image_json(s.image),
        "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
        "outgoing_traffic": 0, "ingoing_traffic": 0, "included_traffic": 21_990_232_555_520_i64,
        "protection": { "delete": s.delete_protected, "rebuild": s.delete_protected },
        "labels": s.labels, "volumes": [], "load_balancers": [],
        "primary_disk_size": s.server_type.disk, "placement_group": null,
    })
}

pub fn ssh_key_json(k: &SshKey) -> Value {
    json!({ "id": k.id, "name": k.name, "fingerprint": k.fingerprint, "public_key": k.public_key, "labels": k.labels, "created": k.created })
}

pub fn action_json(a: &Action) -> Value {
    let now = Instant::now();
    let elapsed = now.saturating_duration_since(a.starts_at);
    let done = elapsed >= a.duration;
    let progress = if done {
        100
    } else {
        (elapsed.as_secs_f64() / a.duration.as_secs_f64() * 100.0).floor() as i64
    };
    json!({
        "id": a.id, "command": a.command,
        "status": if done { "success" } else { "running" },
        "progress": progress, "started": a.started,
        "finished": if done { Value::from(rfc3339_now()) } else { Value::Null },
        "resources": [{ "id": a.server_id, "type": "server" }],
        "error": null,
    })
}

/// The MD5 fingerprint Hetzner shows (`aa:bb:…`) of an OpenSSH public key,
/// or `None` when the text is not one. Deliberately independent of Potions'
/// own computation (`domain::ssh`), so a mistake there fails the tests.
pub fn fingerprint(public_key: &str) -> Option<String> {
    let mut parts = public_key.split_whitespace();
    let (kind, blob) = (parts.next()?, parts.next()?);
    const KINDS: &[&str] = &[
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    ];
    if !KINDS.contains(&kind) {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    // The blob starts with the key type as a length-prefixed string.
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if bytes.get(4..4 + len)? != kind.as_bytes() {
        return None;
    }
    let digest = Md5::digest(&bytes);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

fn parse_labels(value: Option<&Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(BTreeMap::new());
    };
    let invalid = || ApiError::invalid_input(&[("labels", "invalid labels")]);
    let map = value.as_object().ok_or_else(invalid)?;
    map.iter()
        .map(|(k, v)| {
            let v = v.as_str().ok_or_else(invalid)?;
            if k.is_empty() || k.len() > 63 || v.len() > 63 || k.starts_with("hetzner.cloud/") {
                return Err(invalid());
            }
            Ok((k.clone(), v.to_string()))
        })
        .collect()
}
