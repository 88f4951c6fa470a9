//! A fake of the Hetzner Cloud API: stateful, in memory, answering like the
//! real one (shapes validated against Hetzner's OpenAPI description in the
//! tests), with rate limits, resources that change over time, and fault
//! injection. Runs in-process on 127.0.0.1:0 for tests, or as the
//! `hetzner-fake` binary with a seed file for end-to-end tests and the demo.

pub mod admin;
pub mod api;
pub mod catalogue;
pub mod error;
pub mod query;
pub mod render;
#[cfg(feature = "schema-check")]
pub mod schema;
pub mod seed;
pub mod world;

use std::net::SocketAddr;
use std::time::Duration;

pub use fake_kit::{Exchange, Fault, FaultKind};
pub use world::{FakeConfig, Permission, ProjectId};

/// The fake's state, shared by its handlers and its controller.
pub type SharedState = fake_kit::Shared<world::World>;

/// A shared state holding a new world.
pub fn new_state(config: FakeConfig) -> SharedState {
    fake_kit::Shared::new(world::World::new(config))
}

/// A running fake, controlled from Rust. Stops when dropped; in tests, it
/// then checks that every answer it gave matches Hetzner's description.
pub struct FakeHetzner {
    server: fake_kit::Server<world::World>,
}

/// A project in the fake, with a Read & Write and a Read-only token.
#[derive(Debug, Clone)]
pub struct FakeProject {
    pub id: ProjectId,
    pub name: String,
    pub read_write_token: String,
    pub read_only_token: String,
}

impl FakeHetzner {
    /// Starts on 127.0.0.1 at a free port.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), new_state(config)).await
    }

    pub async fn start_on(addr: SocketAddr, shared: SharedState) -> std::io::Result<Self> {
        let app = api::router(shared.clone()).merge(admin::router(shared.clone()));
        let server = fake_kit::Server::start(addr, shared.clone(), app).await?;
        #[cfg(feature = "schema-check")]
        let server = server.checked_on_drop("Hetzner", schema::violations);
        Ok(Self { server })
    }

    /// The API base URL, ending in `/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.server.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub fn shared(&self) -> &SharedState {
        &self.server.shared
    }

    pub fn add_project(&self, name: &str) -> FakeProject {
        let mut state = self.server.shared.lock();
        let id = state.world.add_project(name);
        FakeProject {
            id,
            name: name.into(),
            read_write_token: state.world.add_token(id, Permission::ReadWrite, None),
            read_only_token: state.world.add_token(id, Permission::Read, None),
        }
    }

    /// Another token for the project, as generating one in the console does.
    pub fn add_token(&self, project: &FakeProject, permission: Permission) -> String {
        self.server
            .shared
            .lock()
            .world
            .add_token(project.id, permission, None)
    }

    pub fn revoke_token(&self, token: &str) -> bool {
        self.server.shared.lock().world.revoke_token(token)
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

    /// Empties the project's rate-limit bucket.
    pub fn exhaust_rate_limit(&self, project: &FakeProject) {
        self.server.shared.lock().world.exhaust(project.id);
    }

    pub fn set_server_limit(&self, project: &FakeProject, limit: usize) {
        if let Ok(p) = self.server.shared.lock().world.project_mut(project.id) {
            p.server_limit = limit;
        }
    }

    pub fn seed_server(
        &self,
        project: &FakeProject,
        name: &str,
        server_type: &str,
        location: &str,
    ) -> Option<i64> {
        self.server.shared.lock().world.seed_server(
            project.id,
            name,
            server_type,
            location,
            "ubuntu-24.04",
        )
    }

    pub fn set_delete_protection(&self, project: &FakeProject, server_id: i64, on: bool) -> bool {
        self.server
            .shared
            .lock()
            .world
            .set_delete_protection(project.id, server_id, on)
    }

    pub fn server_names(&self, project: &FakeProject) -> Vec<String> {
        let state = self.server.shared.lock();
        state
            .world
            .project(project.id)
            .map(|p| p.servers.values().map(|s| s.name.clone()).collect())
            .unwrap_or_default()
    }

    /// `(name, fingerprint, labels)` of each SSH key in the project.
    pub fn ssh_keys(&self, project: &FakeProject) -> Vec<world::SshKey> {
        let state = self.server.shared.lock();
        state
            .world
            .project(project.id)
            .map(|p| p.ssh_keys.values().cloned().collect())
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
