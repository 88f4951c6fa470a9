//! Connections, provider-neutral: Potions' stored access to one cloud
//! project (a Hetzner project or a DigitalOcean team). The Dashboard and
//! Account list them; the project page (`projects/`) uses one.

pub mod dashboard;
pub mod server_fns;
pub mod status;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::providers::Provider;
pub use model::ConnectionStatus;

/// What the Dashboard shows, in one answer: the projects with their server
/// counts, and whether this instance offers DigitalOcean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    pub projects: Vec<ConnectionSummary>,
    pub digitalocean_set_up: bool,
}

/// A connection as the browser sees it: never the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    pub id: String,
    pub provider: Provider,
    pub label: String,
    pub status: ConnectionStatus,
    /// The DigitalOcean team the connection reaches.
    pub team: Option<String>,
    pub connected_at: i64,
    pub last_verified_at: i64,
    /// Only on the Dashboard; `None` when the count could not be fetched in time.
    pub server_count: Option<ServerCount>,
}

/// How many servers a project holds, and how long ago its provider said so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCount {
    pub servers: i64,
    pub age_secs: i64,
}

/// The connections a page shows, loaded once per page (not per render).
pub type ConnectionsResource = Resource<Result<Vec<ConnectionSummary>, AppError>>;
