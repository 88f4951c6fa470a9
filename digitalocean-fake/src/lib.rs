//! A fake of DigitalOcean: the OAuth host (authorize with a consent page a
//! browser can click through, token, refresh, revoke) and API v2 (account,
//! SSH keys, droplets, actions, regions, sizes, images, tags), stateful and
//! in memory, answering like the real one (every API answer is checked
//! against DigitalOcean's OpenAPI description in the tests), with scopes,
//! rate limits, a clock tests can move, and fault injection. Runs in-process
//! on 127.0.0.1:0 for tests, or as the `digitalocean-fake` binary with a seed
//! file for end-to-end tests and the demo.

pub mod admin;
pub mod api;
#[cfg(feature = "browser")]
pub mod browser;
pub mod catalogue;
pub mod clock;
pub mod error;
pub mod faults;
pub mod oauth;
pub mod render;
#[cfg(feature = "schema-check")]
pub mod schema;
pub mod scopes;
pub mod seed;
pub mod world;

use std::net::SocketAddr;
use std::time::Duration;

pub use fake_kit::{Exchange, Fault, FaultKind};
pub use world::{AccountStatus, App, DropletStatus, FakeConfig, SshKey};

/// The fake's state, shared by its handlers and its controller.
pub type SharedState = fake_kit::Shared<world::World>;

/// A shared state holding a new world.
pub fn new_state(config: FakeConfig) -> SharedState {
    fake_kit::Shared::new(world::World::new(config))
}

/// A user of the fake, with the teams made for them.
#[derive(Debug, Clone)]
pub struct FakeUser {
    pub uuid: String,
    pub email: String,
    pub password: String,
    pub teams: Vec<FakeTeam>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeTeam {
    pub uuid: String,
    pub name: String,
}

/// An access token and its refresh token, as the token endpoint issues them.
#[derive(Debug, Clone)]
pub struct FakeTokens {
    pub access: String,
    pub refresh: String,
}

/// A running fake, controlled from Rust. Stops when dropped; in tests, it
/// then checks that every answer it gave matches DigitalOcean's description.
pub struct FakeDigitalOcean {
    server: fake_kit::Server<world::World>,
}

impl FakeDigitalOcean {
    /// Starts on 127.0.0.1 at a free port.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), new_state(config)).await
    }

    pub async fn start_on(addr: SocketAddr, shared: SharedState) -> std::io::Result<Self> {
        let app = api::router(shared.clone())
            .merge(oauth::router(shared.clone()))
            .merge(admin::router(shared.clone()))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                faults::misbehave,
            ));
        let server = fake_kit::Server::start(addr, shared.clone(), app).await?;
        #[cfg(feature = "schema-check")]
        let server = server.checked_on_drop("DigitalOcean", schema::violations);
        Ok(Self { server })
    }

    /// The API host, without `/v2` (as `https://api.digitalocean.com`).
    pub fn api_base_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// The OAuth base (as `https://cloud.digitalocean.com/v1/oauth`).
    pub fn oauth_base_url(&self) -> String {
        format!("http://{}/v1/oauth", self.server.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub fn shared(&self) -> &SharedState {
        &self.server.shared
    }

    pub fn add_user(&self, email: &str, password: &str, teams: &[&str]) -> FakeUser {
        let mut state = self.server.shared.lock();
        let names: Vec<String> = teams.iter().map(|t| t.to_string()).collect();
        let uuid = state
            .world
            .add_user(email, password, "Sammy the Shark", &names);
        let team_ids = state
            .world
            .user(&uuid)
            .map(|u| u.teams.clone())
            .unwrap_or_default();
        FakeUser {
            uuid,
            email: email.into(),
            password: password.into(),
            teams: team_ids
                .iter()
                .filter_map(|t| state.world.team(t))
                .map(|t| FakeTeam {
                    uuid: t.uuid.clone(),
                    name: t.name.clone(),
                })
                .collect(),
        }
    }

    pub fn add_app(&self, name: &str, redirect_uri: &str) -> App {
        self.server.shared.lock().world.add_app(name, redirect_uri)
    }

    /// Tokens for `team` as if the user had consented to `scopes`.
    pub fn grant(
        &self,
        app: &App,
        user: &FakeUser,
        team: &FakeTeam,
        scopes: &[&str],
    ) -> FakeTokens {
        let mut state = self.server.shared.lock();
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        let index = state
            .world
            .new_grant(&app.client_id, &user.uuid, &team.uuid, scopes);
        let grant = &state.world.grants[index];
        FakeTokens {
            access: grant.access.clone(),
            refresh: grant.refresh.clone(),
        }
    }

    /// Takes `scope` out of every live grant, as for a team connected
    /// before its app asked for it; answers how many grants had it.
    pub fn withdraw_scope(&self, scope: &str) -> usize {
        let mut state = self.server.shared.lock();
        let mut had = 0;
        for grant in &mut state.world.grants {
            let before = grant.scopes.len();
            grant.scopes.retain(|s| s != scope);
            had += usize::from(grant.scopes.len() != before);
        }
        had
    }

    pub fn advance_clock(&self, by: Duration) {
        self.server.shared.lock().world.clock.advance(by);
    }

    /// Revokes every token of the user, as revoking the app in DigitalOcean does.
    pub fn revoke_user_tokens(&self, user: &FakeUser) -> usize {
        self.server
            .shared
            .lock()
            .world
            .revoke_user_tokens(&user.uuid)
    }

    pub fn set_account(&self, user: &FakeUser, status: AccountStatus, email_verified: bool) {
        if let Some(u) = self
            .server
            .shared
            .lock()
            .world
            .user_by_email_mut(&user.email)
        {
            u.status = status;
            u.email_verified = email_verified;
        }
    }

    pub fn inject(&self, fault: Fault) {
        self.server.shared.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.server.shared.clear_faults();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.server.shared.set_latency(latency);
    }

    /// Spends the token's hourly allowance.
    pub fn exhaust_rate_limit(&self, access_token: &str) {
        self.server.shared.lock().world.exhaust(access_token);
    }

    pub fn droplet_names(&self, team: &FakeTeam) -> Vec<String> {
        let state = self.server.shared.lock();
        state
            .world
            .team(&team.uuid)
            .map(|t| t.droplets.values().map(|d| d.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Turns a droplet `off` or to `archive`, as its owner can in the console.
    pub fn force_droplet_status(
        &self,
        team: &FakeTeam,
        droplet_id: i64,
        status: DropletStatus,
    ) -> bool {
        let mut state = self.server.shared.lock();
        match state
            .world
            .team_mut(&team.uuid)
            .and_then(|t| t.droplets.get_mut(&droplet_id))
        {
            Some(droplet) => {
                droplet.forced = Some(status);
                true
            }
            None => false,
        }
    }

    pub fn ssh_keys(&self, team: &FakeTeam) -> Vec<SshKey> {
        let state = self.server.shared.lock();
        state
            .world
            .team(&team.uuid)
            .map(|t| t.ssh_keys.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every request answered so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.server.shared.exchanges()
    }

    /// How many requests matched `method` and a path starting with `path`.
    pub fn request_count(&self, method: &str, path: &str) -> usize {
        self.server.shared.request_count(method, path)
    }
}
