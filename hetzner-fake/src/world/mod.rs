//! The fake's in-memory world: projects and their tokens. What lives in a
//! project, the rate limit, and the calls that change servers and SSH keys
//! are in the files beside this one.

mod backups;
mod dns;
mod power;
mod protection;
mod rate_limit;
mod rebuild;
mod rescue;
mod resources;
mod servers;
mod snapshots;
mod ssh_keys;

pub use fake_kit::ssh::fingerprint;
pub use power::is_power_command;
pub use rate_limit::RateLimitState;
pub use resources::{Action, Project, Server, Snapshot, SshKey};
pub use servers::{server_status, CreatedServer};

use rand::distributions::Alphanumeric;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::error::ApiError;
use rate_limit::Bucket;

/// A project's handle in the world: its place in the list of projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectId(usize);

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
pub struct World {
    pub config: FakeConfig,
    pub projects: Vec<Project>,
    pub tokens: HashMap<String, (ProjectId, Permission)>,
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

    pub fn add_project(&mut self, name: &str) -> ProjectId {
        self.projects.push(Project {
            name: name.into(),
            servers: BTreeMap::new(),
            ssh_keys: BTreeMap::new(),
            actions: BTreeMap::new(),
            snapshots: BTreeMap::new(),
            server_limit: self.config.server_limit,
            bucket: Bucket {
                tokens: f64::from(self.config.rate_limit),
                updated: Instant::now(),
            },
        });
        ProjectId(self.projects.len() - 1)
    }

    pub fn project_named(&self, name: &str) -> Option<ProjectId> {
        self.projects
            .iter()
            .position(|p| p.name == name)
            .map(ProjectId)
    }

    pub fn add_token(
        &mut self,
        project: ProjectId,
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
    ) -> Result<(ProjectId, Permission), ApiError> {
        authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|token| self.tokens.get(token.trim()))
            .copied()
            .ok_or_else(ApiError::unauthorized)
    }

    pub fn project(&self, project: ProjectId) -> Result<&Project, ApiError> {
        self.projects
            .get(project.0)
            .ok_or_else(ApiError::unauthorized)
    }

    pub fn project_mut(&mut self, project: ProjectId) -> Result<&mut Project, ApiError> {
        self.projects
            .get_mut(project.0)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A request's `labels`, checked as Hetzner checks them.
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
