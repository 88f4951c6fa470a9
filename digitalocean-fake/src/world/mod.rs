//! The fake's in-memory world: users, their teams, registered apps and the
//! tokens they were granted. OAuth, the rate limit and the team's resources
//! are in the files beside this one.

mod droplet_actions;
mod oauth;
mod rate_limit;
mod resources;
mod snapshots;

pub use oauth::{
    AuthorizeRequest, ConsentView, Grant, OAuthError, TokenRequest, ACCESS_TOKEN_SECS,
};
pub use rate_limit::{Limited, Usage};
pub use resources::{Action, Droplet, DropletStatus, SshKey};

use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use crate::clock::Clock;
use oauth::{Code, PendingAuthorization};

/// How the fake behaves over time and under load.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Time from create to `active`.
    pub provisioning: Duration,
    /// Droplets a team may hold.
    pub droplet_limit: usize,
    pub requests_per_hour: u32,
    pub requests_per_minute: u32,
    /// `GET /v2/account/keys` per token per minute.
    pub key_listings_per_minute: u32,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            provisioning: Duration::from_secs(10),
            droplet_limit: 25,
            requests_per_hour: 5000,
            requests_per_minute: 250,
            key_listings_per_minute: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Warning,
    Locked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Warning => "warning",
            Self::Locked => "locked",
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub uuid: String,
    pub email: String,
    pub name: String,
    pub password: String,
    pub status: AccountStatus,
    pub email_verified: bool,
    /// Uuids of the user's teams.
    pub teams: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Team {
    pub uuid: String,
    pub name: String,
    pub ssh_keys: BTreeMap<i64, SshKey>,
    pub droplets: BTreeMap<i64, Droplet>,
    /// Deleted droplets kept for their snapshots, which DigitalOcean keeps
    /// (and bills) after the droplet is gone.
    pub gone: BTreeMap<i64, Droplet>,
    pub tags: Vec<String>,
}

impl Team {
    /// Every droplet whose snapshots the team still has, deleted or not.
    pub fn snapshot_sources(&self) -> impl Iterator<Item = &Droplet> {
        self.droplets.values().chain(self.gone.values())
    }
}

/// An OAuth app registered in the control panel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct App {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

#[derive(Debug, Default)]
pub struct World {
    pub config: FakeConfig,
    pub clock: Clock,
    pub users: Vec<User>,
    pub teams: Vec<Team>,
    pub apps: Vec<App>,
    pub grants: Vec<Grant>,
    pending: HashMap<String, PendingAuthorization>,
    codes: HashMap<String, Code>,
    pub actions: BTreeMap<i64, Action>,
    usage: HashMap<String, Usage>,
    next_id: i64,
}

pub fn random_hex(bytes: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.gen::<u8>()))
        .collect()
}

pub fn random_uuid() -> String {
    let hex = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl World {
    pub fn new(config: FakeConfig) -> Self {
        Self {
            config,
            next_id: 3_000_000,
            ..Self::default()
        }
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_id += rand::thread_rng().gen_range(1..50);
        self.next_id
    }

    /// A user with a team per name; answers the user's uuid.
    pub fn add_user(
        &mut self,
        email: &str,
        password: &str,
        name: &str,
        teams: &[String],
    ) -> String {
        let mut team_uuids = Vec::new();
        for team in teams {
            let uuid = random_uuid();
            self.teams.push(Team {
                uuid: uuid.clone(),
                name: team.clone(),
                ..Team::default()
            });
            team_uuids.push(uuid);
        }
        let uuid = random_uuid();
        self.users.push(User {
            uuid: uuid.clone(),
            email: email.into(),
            name: name.into(),
            password: password.into(),
            status: AccountStatus::Active,
            email_verified: true,
            teams: team_uuids,
        });
        uuid
    }

    pub fn add_app(&mut self, name: &str, redirect_uri: &str) -> App {
        let app = App {
            name: name.into(),
            client_id: random_hex(32),
            client_secret: random_hex(32),
            redirect_uri: redirect_uri.into(),
        };
        self.apps.push(app.clone());
        app
    }

    pub fn user(&self, uuid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.uuid == uuid)
    }

    pub fn user_by_email_mut(&mut self, email: &str) -> Option<&mut User> {
        self.users
            .iter_mut()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub fn team(&self, uuid: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.uuid == uuid)
    }

    pub fn team_mut(&mut self, uuid: &str) -> Option<&mut Team> {
        self.teams.iter_mut().find(|t| t.uuid == uuid)
    }

    pub fn team_named(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name == name)
    }

    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }

    /// Revokes every token of the user, as revoking the app in DigitalOcean does.
    pub fn revoke_user_tokens(&mut self, user_uuid: &str) -> usize {
        let mut revoked = 0;
        for grant in self
            .grants
            .iter_mut()
            .filter(|g| g.user == user_uuid && g.is_alive())
        {
            grant.revoke();
            revoked += 1;
        }
        revoked
    }
}
