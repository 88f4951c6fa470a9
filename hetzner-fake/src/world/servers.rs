//! Creating, seeding and deleting servers, and the actions that follow them.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{
    parse_labels, random_token, rfc3339_now, Action, FakeConfig, ProjectId, Server, World,
};
use crate::catalogue::{self, Image, Location, ServerType};
use crate::error::ApiError;

/// A new server and the two actions that bring it up.
#[derive(Debug, Clone)]
pub struct CreatedServer {
    pub server: Server,
    pub create: Action,
    pub start: Action,
    /// Set when no SSH key was given, as Hetzner does.
    pub root_password: Option<String>,
}

impl World {
    pub fn create_server(
        &mut self,
        project: ProjectId,
        body: &Value,
    ) -> Result<CreatedServer, ApiError> {
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
        if !model::limits::is_valid_server_name(&name) {
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
        let snapshot = self.project(project)?.snapshots.values().find(|snapshot| {
            snapshot.id.to_string() == image_name && Instant::now() >= snapshot.ready_at
        });
        let image = match snapshot {
            Some(snapshot) if snapshot.architecture != server_type.architecture => {
                return Err(ApiError::invalid_input(&[(
                    "image",
                    "image architecture does not match server type",
                )]))
            }
            Some(snapshot) if snapshot.disk_gb > server_type.disk => {
                return Err(ApiError::invalid_input(&[(
                    "server_type",
                    "disk is too small for the image",
                )]))
            }
            Some(snapshot) => snapshot.image,
            None => catalogue::image(&image_name, server_type.architecture)
                .ok_or_else(|| ApiError::invalid_input(&[("image", "image not found")]))?,
        };
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
        if !server_type.orderable_in(location.name) {
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
        let mut server = self.new_server(id, name, server_type, location, image, labels);
        server.has_ssh_keys = !key_refs.is_empty();
        let half = self.config.provisioning / 2;
        let create = self.new_action("create_server", id, server.created_at, half);
        let start = self.new_action("start_server", id, server.created_at + half, half);
        let root_password = key_refs
            .is_empty()
            .then(|| random_token()[..20].to_string());
        let created = CreatedServer {
            server: server.clone(),
            create: create.clone(),
            start: start.clone(),
            root_password,
        };
        let p = self.project_mut(project)?;
        p.actions.insert(create.id, create);
        p.actions.insert(start.id, start);
        p.servers.insert(id, server);
        Ok(created)
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
            dns_ptrs: BTreeMap::new(),
            powered_on: true,
            power_change: None,
            backup_window: None,
            disk_gb: server_type.disk,
            has_ssh_keys: false,
            rescue_enabled: false,
        }
    }

    pub(super) fn new_action(
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
        project: ProjectId,
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
        self.projects.get_mut(project.0)?.servers.insert(id, server);
        Some(id)
    }

    /// `PUT /servers/{id}` with a `name`: renames at once (no action).
    pub fn rename_server(
        &mut self,
        project: ProjectId,
        id: i64,
        body: &Value,
    ) -> Result<&Server, ApiError> {
        let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
        if !model::limits::is_valid_server_name(name) {
            return Err(ApiError::invalid_input(&[(
                "name",
                "must be a valid hostname",
            )]));
        }
        let p = self.project_mut(project)?;
        if !p.servers.contains_key(&id) {
            return Err(ApiError::not_found("server"));
        }
        if p.servers.values().any(|s| s.name == name && s.id != id) {
            return Err(ApiError::uniqueness("name", "server name is already used"));
        }
        let server = p
            .servers
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("server"))?;
        server.name = name.to_string();
        Ok(server)
    }

    pub fn set_delete_protection(&mut self, project: ProjectId, server_id: i64, on: bool) -> bool {
        self.project_mut(project)
            .ok()
            .and_then(|p| p.servers.get_mut(&server_id))
            .map(|s| s.delete_protected = on)
            .is_some()
    }

    pub fn delete_server(&mut self, project: ProjectId, id: i64) -> Result<Action, ApiError> {
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
        let p = self.project_mut(project)?;
        p.servers.remove(&id);
        p.actions.insert(action.id, action.clone());
        Ok(action)
    }
}

/// A server's status from the time since it was created, then its power.
pub fn server_status(server: &Server, config: &FakeConfig) -> &'static str {
    let age = server.created_at.elapsed();
    if age < config.provisioning / 2 {
        return "initializing";
    }
    if age < config.provisioning {
        return "starting";
    }
    match server.power_change {
        Some((until, status)) if Instant::now() < until => status,
        _ if server.powered_on => "running",
        _ => "off",
    }
}
