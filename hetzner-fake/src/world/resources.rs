//! What a project holds: servers, SSH keys and actions.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::rate_limit::Bucket;
use crate::catalogue::{Image, Location, ServerType};

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
    /// Reverse DNS names set by `change_dns_ptr`, by address.
    pub dns_ptrs: BTreeMap<String, String>,
    /// Whether it is on once any power action ends (on after create).
    pub powered_on: bool,
    /// A power action under way: when it ends, and the status until then.
    /// The server is locked meanwhile.
    pub power_change: Option<(Instant, &'static str)>,
    /// Daily backups' window while they are on (`enable_backup`).
    pub backup_window: Option<&'static str>,
    /// The disk's size: a type change without `upgrade_disk` keeps it.
    pub disk_gb: i64,
    /// Created with SSH keys: a rebuild then sets no root password.
    pub has_ssh_keys: bool,
    /// The next start boots the rescue system (`enable_rescue`).
    pub rescue_enabled: bool,
}

/// A snapshot image of a server, `creating` until its action ends.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: i64,
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub created: String,
    pub ready_at: Instant,
    pub size_gb: f64,
    pub disk_gb: i64,
    pub from: (i64, String),
    pub architecture: &'static str,
    /// The system image of the server it was made from: what a server made
    /// from it runs.
    pub image: &'static Image,
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
    /// Snapshot images (`create_image`), by id.
    pub snapshots: BTreeMap<i64, Snapshot>,
    pub server_limit: usize,
    pub(super) bucket: Bucket,
}
