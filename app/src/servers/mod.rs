//! A server of a project, on its own page (`/projects/:id/servers/:server_id`):
//! what it is as its provider describes it now (`page.rs`), the actions its
//! state allows (`actions.rs`), and their server functions. Provider-neutral,
//! like `projects/`, whose progress and errors it shares.

mod actions;
pub mod page;
pub mod server_fns;

use serde::{Deserialize, Serialize};

use model::provisioning::ServerDetails;

use crate::providers::Provider;

/// A server's page: the project it is in, and the server in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerOverview {
    pub connection_id: String,
    pub provider: Provider,
    pub label: String,
    pub details: ServerDetails,
}
