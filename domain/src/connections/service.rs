//! The connections service: the database, the keyring and the providers'
//! clients every connection operation needs (its methods are spread over
//! this folder by what they do).

use std::sync::Arc;

use crate::accounts::throttle::Throttle;
use crate::crypto::Keyring;
use crate::db::Database;
use crate::providers::hetzner::HetznerClient;

use super::digitalocean;
use super::server_counts;
use super::CheckLimits;

#[derive(Clone, Debug)]
pub struct Connections {
    pub(super) db: Database,
    pub(super) keyring: Arc<Keyring>,
    pub(super) hetzner: HetznerClient,
    pub(super) counts: server_counts::CountCache,
    pub(super) throttle: Throttle,
    pub(super) check_limits: CheckLimits,
    pub(super) digitalocean: Option<digitalocean::DigitalOceanSetup>,
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
