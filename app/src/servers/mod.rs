//! A server of a project, on its own page (`/projects/:id/servers/:server_id`):
//! what it is as its provider describes it now (`page.rs`), the actions its
//! state allows (power, rename and reverse DNS in `actions.rs`, protection
//! and backups in `settings.rs`, `resize.rs`, `rebuild.rs`, `rescue.rs`),
//! its snapshots and their schedule (`snapshots/`), and their server
//! functions. Provider-neutral, like `projects/`, whose progress and errors
//! it shares.

mod actions;
pub mod page;
mod rebuild;
mod refresh;
mod rescue;
mod resize;
pub mod server_fns;
mod settings;
pub mod snapshots;

use serde::{Deserialize, Serialize};

use model::provisioning::{Image, ServerDetails, Size, Snapshot};
use model::snapshots::Schedule;

use crate::providers::Provider;

/// A server's page: the project it is in, and the server in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerOverview {
    pub connection_id: String,
    pub provider: Provider,
    pub label: String,
    pub details: ServerDetails,
    /// The types or sizes it can change to, with their prices where it is.
    pub resize_choices: Vec<Size>,
    /// Its snapshots, newest first; `None` when they could not be read now.
    pub snapshots: Option<Vec<Snapshot>>,
    /// The images it can be rebuilt from.
    pub rebuild_choices: Vec<Image>,
    /// Its snapshot schedule, if it has one.
    pub schedule: Option<Schedule>,
    /// A risky step waiting for the snapshot before it (`true`: the page
    /// looks again until it runs), or one that did not run, in words.
    pub safety_net: Option<(bool, String)>,
    /// What a destructive step on it asks for besides the name.
    pub ask_again: model::AskAgain,
}
