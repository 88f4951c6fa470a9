//! DigitalOcean's resources as Potions reads them. Unknown fields are
//! ignored; an unknown status reads as `Unknown` rather than failing.

use serde::{Deserialize, Serialize};

/// The tag on every droplet Potions creates (`=` is not allowed in tags).
pub const POTIONS_TAG: &str = "managed-by:potions";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Warning,
    Locked,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Team {
    pub uuid: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    pub uuid: String,
    pub email: String,
    pub email_verified: bool,
    pub status: AccountStatus,
    #[serde(default)]
    pub status_message: String,
    pub droplet_limit: i64,
    #[serde(default)]
    pub team: Option<Team>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SshKey {
    pub id: i64,
    pub fingerprint: String,
    pub public_key: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropletStatus {
    New,
    Active,
    Off,
    Archive,
    #[serde(other)]
    Unknown,
}

impl DropletStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Off => "off",
            Self::Archive => "archive",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RegionRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Network {
    pub ip_address: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Networks {
    #[serde(default)]
    pub v4: Vec<Network>,
    #[serde(default)]
    pub v6: Vec<Network>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Droplet {
    pub id: i64,
    pub name: String,
    pub status: DropletStatus,
    pub memory: i64,
    pub vcpus: i64,
    pub disk: i64,
    pub size_slug: String,
    pub region: RegionRef,
    #[serde(default)]
    pub networks: Networks,
    pub created_at: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// `backups` among them while DigitalOcean's backups are on.
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    pub image: Option<DropletImage>,
}

/// The image a droplet was created or last rebuilt from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DropletImage {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub distribution: String,
}

fn public(networks: &[Network]) -> Option<&str> {
    networks
        .iter()
        .find(|n| n.kind == "public")
        .map(|n| n.ip_address.as_str())
}

impl Droplet {
    /// Only once the droplet is active.
    pub fn public_ipv4(&self) -> Option<&str> {
        public(&self.networks.v4)
    }

    pub fn public_ipv6(&self) -> Option<&str> {
        public(&self.networks.v6)
    }

    pub fn is_managed_by_potions(&self) -> bool {
        self.tags.iter().any(|t| t == POTIONS_TAG)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ActionStatus {
    #[serde(rename = "in-progress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "errored")]
    Errored,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Action {
    pub id: i64,
    pub status: ActionStatus,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub resource_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Region {
    pub slug: String,
    pub name: String,
    pub available: bool,
    #[serde(default)]
    pub sizes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Size {
    pub slug: String,
    pub memory: i64,
    pub vcpus: i64,
    pub disk: i64,
    pub price_monthly: f64,
    pub price_hourly: f64,
    #[serde(default)]
    pub regions: Vec<String>,
    pub available: bool,
    #[serde(default)]
    pub description: String,
}

impl Size {
    pub fn sold_in(&self, region: &str) -> bool {
        self.available && self.regions.iter().any(|r| r == region)
    }
}

/// A droplet's snapshot (`GET /v2/droplets/{id}/snapshots`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DropletSnapshot {
    /// A number under a droplet, its digits as text in `/v2/snapshots`.
    #[serde(deserialize_with = "number_or_digits")]
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub size_gigabytes: f64,
    #[serde(default)]
    pub min_disk_size: Option<f64>,
    #[serde(default)]
    pub regions: Vec<String>,
    /// The droplet's id, as text (`/v2/snapshots` only).
    #[serde(default)]
    pub resource_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Image {
    pub id: i64,
    #[serde(default)]
    pub slug: Option<String>,
    pub name: String,
    #[serde(default)]
    pub distribution: String,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub status: String,
}

/// What `POST /v2/droplets` is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDroplet {
    pub name: String,
    pub region: String,
    pub size: String,
    pub image: String,
    /// Ids or fingerprints of the team's keys.
    pub ssh_keys: Vec<String>,
    pub tags: Vec<String>,
    pub ipv6: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
}

/// A droplet just accepted (`new`) and the action creating it.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedDroplet {
    pub droplet: Droplet,
    pub action_id: i64,
}

/// A delete that found the resource, or found it already gone (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Now,
    AlreadyGone,
}

/// An id DigitalOcean sends as a number in one answer and as text in another.
fn number_or_digits<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(i64),
        Digits(String),
    }
    match Id::deserialize(deserializer)? {
        Id::Number(id) => Ok(id),
        Id::Digits(text) => text.parse().map_err(serde::de::Error::custom),
    }
}
