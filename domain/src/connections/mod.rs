//! Connected clouds (a Hetzner project by API token, a DigitalOcean team by
//! OAuth): their access checked and kept sealed, the user's Potions SSH key
//! in each, and server counts.
//!
//! | file | job |
//! |---|---|
//! | `record.rs` | what a connection is: status, label rules |
//! | `store.rs` | every SQL statement on `connections` |
//! | `user_key.rs` | the user's Potions key pair |
//! | `hetzner/` | proving a token reads and writes; Hetzner's errors in the user's terms |
//! | `lifecycle.rs` | connect, re-check, replace, rename, disconnect |
//! | `check_limits.rs` | how many token checks a user and a token get |
//! | `server_counts.rs` | the Dashboard's server counts, cached |
//! | `digitalocean/` | teams connected by OAuth, their tokens and refresh |

mod check_limits;
pub mod digitalocean;
pub(crate) mod hetzner;
mod lifecycle;
mod record;
mod server_counts;
mod store;
mod user_key;

pub use check_limits::CheckLimits;
pub use record::{normalize_label, Connection, ConnectionStatus, DEFAULT_LABEL, MAX_LABEL_CHARS};
pub use server_counts::Counted;
pub(crate) use store::CONNECTION_COLUMNS;

use std::sync::Arc;

use crate::accounts::throttle::Throttle;
use crate::crypto::Keyring;
use crate::db::Database;
use crate::providers::hetzner::{HetznerClient, Labels};

pub const PROVIDER_HETZNER: &str = model::Provider::Hetzner.stored_name();
/// The label Potions puts on everything it creates in a project.
pub const MANAGED_BY: (&str, &str) = ("managed-by", "potions");

/// The labels of everything Potions creates.
pub fn managed_labels() -> Labels {
    Labels::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())])
}

/// Whether Potions made the thing these labels are on.
pub fn is_managed_by_potions(labels: &Labels) -> bool {
    labels.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1)
}

#[derive(Clone, Debug)]
pub struct Connections {
    db: Database,
    keyring: Arc<Keyring>,
    hetzner: HetznerClient,
    counts: server_counts::CountCache,
    throttle: Throttle,
    check_limits: CheckLimits,
    digitalocean: Option<digitalocean::DigitalOceanSetup>,
}

impl Connections {
    pub fn new(db: Database, keyring: Arc<Keyring>, hetzner: HetznerClient) -> Self {
        Self {
            throttle: Throttle::new(db.clone()),
            db,
            keyring,
            hetzner,
            counts: server_counts::CountCache::new(),
            check_limits: CheckLimits::default(),
            digitalocean: None,
        }
    }

    /// Connects DigitalOcean teams too, with this client and OAuth app.
    pub fn with_digitalocean(mut self, setup: digitalocean::DigitalOceanSetup) -> Self {
        self.digitalocean = Some(setup);
        self
    }

    pub fn hetzner(&self) -> &HetznerClient {
        &self.hetzner
    }
}
