//! The parts of Hetzner's objects Potions reads. Unknown fields are ignored
//! and optional ones default, so additions on Hetzner's side never break us.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Pagination {
    pub page: i64,
    pub per_page: i64,
    pub previous_page: Option<i64>,
    pub next_page: Option<i64>,
    pub last_page: Option<i64>,
    pub total_entries: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Ipv4 {
    pub ip: String,
    #[serde(default)]
    pub dns_ptr: Option<String>,
}

/// A reverse DNS entry of one address of a server's IPv6 network.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DnsPtr {
    pub ip: String,
    pub dns_ptr: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Ipv6 {
    /// The /64 network, e.g. `2a01:4f8:c0c:1234::/64`.
    pub ip: String,
    #[serde(default)]
    pub dns_ptr: Vec<DnsPtr>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct PublicNet {
    pub ipv4: Option<Ipv4>,
    pub ipv6: Option<Ipv6>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerTypeSummary {
    pub name: String,
    #[serde(default)]
    pub cores: i64,
    #[serde(default)]
    pub memory: f64,
    #[serde(default)]
    pub disk: f64,
    #[serde(default)]
    pub architecture: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocationSummary {
    pub name: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImageSummary {
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub os_flavor: String,
    pub os_version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
pub struct Protection {
    #[serde(default)]
    pub delete: bool,
    #[serde(default)]
    pub rebuild: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Server {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub created: String,
    #[serde(default)]
    pub public_net: PublicNet,
    pub server_type: ServerTypeSummary,
    pub location: LocationSummary,
    pub image: Option<ImageSummary>,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub protection: Protection,
    /// Set while Hetzner's backups are on.
    #[serde(default)]
    pub backup_window: Option<String>,
    /// The disk's size in GB: a type change that kept the disk keeps it.
    pub primary_disk_size: f64,
    /// Whether the next start boots Hetzner's rescue system.
    #[serde(default)]
    pub rescue_enabled: bool,
}

/// The usable address of an IPv6 /64: the network with `1` as the last group.
pub fn ipv6_host(network: &str) -> Option<String> {
    let prefix = network.split('/').next()?;
    let addr: std::net::Ipv6Addr = prefix.parse().ok()?;
    let mut segments = addr.segments();
    segments[7] = 1;
    Some(std::net::Ipv6Addr::from(segments).to_string())
}

impl Server {
    pub fn ipv4(&self) -> Option<&str> {
        self.public_net.ipv4.as_ref().map(|v| v.ip.as_str())
    }

    pub fn ipv6_host(&self) -> Option<String> {
        self.public_net.ipv6.as_ref().and_then(|v| ipv6_host(&v.ip))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Money {
    pub net: String,
    pub gross: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocationPrice {
    pub location: String,
    pub price_hourly: Money,
    pub price_monthly: Money,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerTypeLocation {
    pub name: String,
    pub deprecation: Option<serde_json::Value>,
    /// Whether the type can be ordered here now (the live API since 2026-04-01).
    pub available: bool,
    /// Whether Hetzner recommends the type here.
    pub recommended: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerType {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub cores: i64,
    #[serde(default)]
    pub memory: f64,
    #[serde(default)]
    pub disk: f64,
    #[serde(default)]
    pub cpu_type: String,
    pub architecture: String,
    pub deprecation: Option<serde_json::Value>,
    #[serde(default)]
    pub locations: Vec<ServerTypeLocation>,
    #[serde(default)]
    pub prices: Vec<LocationPrice>,
}

impl ServerType {
    /// Orderable in `location` now: listed and available there, and not
    /// deprecated there or overall.
    pub fn available_in(&self, location: &str) -> bool {
        self.deprecation.is_none()
            && self
                .locations
                .iter()
                .any(|l| l.name == location && l.available && l.deprecation.is_none())
    }

    pub fn recommended_in(&self, location: &str) -> bool {
        self.available_in(location)
            && self
                .locations
                .iter()
                .any(|l| l.name == location && l.recommended)
    }

    pub fn monthly_gross(&self, location: &str) -> Option<&str> {
        self.prices
            .iter()
            .find(|p| p.location == location)
            .map(|p| p.price_monthly.gross.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Location {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub network_zone: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Image {
    pub id: i64,
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    /// A snapshot's server.
    #[serde(default)]
    pub created_from: Option<CreatedFrom>,
    /// A snapshot's size in GB, once made.
    #[serde(default)]
    pub image_size: Option<f64>,
    /// The disk a server made from it needs, in GB.
    #[serde(default)]
    pub disk_size: Option<f64>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub os_flavor: String,
    pub os_version: Option<String>,
    pub architecture: String,
    #[serde(default)]
    pub status: String,
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreatedFrom {
    pub id: i64,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SshKey {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub public_key: String,
    #[serde(default)]
    pub labels: Labels,
    pub created: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Running,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActionError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActionResource {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Action {
    pub id: i64,
    pub command: String,
    pub status: ActionStatus,
    pub progress: i64,
    pub started: String,
    pub finished: Option<String>,
    #[serde(default)]
    pub resources: Vec<ActionResource>,
    pub error: Option<ActionError>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateServer {
    pub name: String,
    pub server_type: String,
    pub image: String,
    pub location: String,
    pub ssh_keys: Vec<i64>,
    pub labels: Labels,
    pub start_after_create: bool,
}

/// A root password Hetzner set (a rebuild of a server without an SSH key):
/// shown to the user once, never kept or logged: redacted, zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct RootPassword(zeroize::Zeroizing<String>);

impl RootPassword {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RootPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootPassword(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for RootPassword {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|password| Self(zeroize::Zeroizing::new(password)))
    }
}

/// A rebuild's or the rescue system's answer: its action, and the root
/// password Hetzner set (a rebuild's only when no SSH key applies).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RebuiltServer {
    pub action: Action,
    #[serde(default)]
    pub root_password: Option<RootPassword>,
}

/// `root_password` is deliberately not read: Potions always sends an SSH key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreatedServer {
    pub server: Server,
    pub action: Action,
    #[serde(default)]
    pub next_actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerTypePrices {
    pub id: i64,
    pub name: String,
    pub prices: Vec<LocationPrice>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Pricing {
    pub currency: String,
    pub vat_rate: String,
    pub server_types: Vec<ServerTypePrices>,
    pub image: ImagePricing,
}

/// What an image (a snapshot) costs per GB a month.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImagePricing {
    pub price_per_gb_month: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ipv6_host_is_the_first_address_of_the_network() {
        assert_eq!(
            ipv6_host("2a01:4f8:c0c:1234::/64").as_deref(),
            Some("2a01:4f8:c0c:1234::1")
        );
        assert_eq!(
            ipv6_host("2a01:4f8:c0c:1234:0:0:0:0/64").as_deref(),
            Some("2a01:4f8:c0c:1234::1")
        );
        assert_eq!(ipv6_host("not an address"), None);
    }
}
