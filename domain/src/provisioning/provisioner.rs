//! The [`Provisioner`] interface each provider implements, and
//! [`Provisioning`]: it opens the right one for a connection, checks requests
//! against the catalogue and keeps the caches.

use super::{
    check_against, digitalocean, hetzner, AddedKey, Catalogue, Changed, CreatedServer, NewServer,
    PowerAction, Progress, Refused, Server, ServerDetails, Snapshot, SshKey, Started,
};
use crate::error::Refusal;
use model::{ConnectionId, UserId};
use std::time::Duration;

use crate::connections::{Connection, Connections};
use crate::error::DomainError;

/// Catalogue data changes rarely: reuse it this long per project.
const CATALOGUE_TTL: Duration = Duration::from_secs(300);
/// Key listings kept this long per project generation: DigitalOcean allows
/// ten listings a minute, and Potions' own changes bump the generation.
const KEY_LIST_TTL: Duration = Duration::from_secs(60);
/// Entries kept at most in each cache (one per connection).
const CACHE_CAPACITY: u64 = 10_000;

/// What a provider does for a project, on behalf of one user. Each method
/// answers in the provider-neutral terms of [`model`].
pub(crate) trait Provisioner {
    async fn servers(&self) -> Result<Vec<Server>, DomainError>;
    async fn load_catalogue(&self) -> Result<Catalogue, DomainError>;
    /// `new` has been checked against the catalogue.
    async fn create_server(&self, new: NewServer) -> Result<Changed<CreatedServer>, Refused>;
    async fn progress(&self, actions: &[i64]) -> Result<Progress, DomainError>;
    /// Deletes the server if `confirm_name` is its name.
    async fn delete_server(
        &self,
        server_id: model::ServerId,
        confirm_name: &str,
    ) -> Result<Changed<()>, Refused>;
    /// Starts a power action; answers the provider's action ids to follow.
    async fn power(
        &self,
        server_id: model::ServerId,
        action: PowerAction,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Sets (or, with `None`, resets) the reverse DNS name of one of the
    /// server's addresses; both are checked.
    async fn set_reverse_dns(
        &self,
        server_id: model::ServerId,
        ip: &str,
        name: Option<&str>,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Turns a server's delete and rebuild protection on or off (one
    /// setting: Hetzner requires both equal); answers the action to follow.
    async fn set_protection(
        &self,
        server_id: model::ServerId,
        on: bool,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Turns the provider's automatic backups on or off.
    async fn set_backups(
        &self,
        server_id: model::ServerId,
        on: bool,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Changes a stopped server's type or size (`size` checked against the
    /// catalogue); `grow_disk` makes the change permanent.
    async fn resize(
        &self,
        server_id: model::ServerId,
        size: &str,
        grow_disk: bool,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Rebuilds a server from `image` (checked against the catalogue),
    /// destroying its disk.
    async fn rebuild(
        &self,
        server_id: model::ServerId,
        image: i64,
    ) -> Result<Changed<Started>, Refused>;
    /// Turns the rescue system on (and restarts `server` into it) or off.
    async fn set_rescue(&self, server: &Server, on: bool) -> Result<Changed<Started>, Refused>;
    /// The server's snapshots, in any order.
    async fn snapshots(&self, server_id: model::ServerId) -> Result<Vec<Snapshot>, DomainError>;
    /// Every snapshot of the project or team's servers, in any order.
    async fn all_snapshots(&self) -> Result<Vec<Snapshot>, DomainError>;
    /// Takes a snapshot of the server named `name` (checked), marked with
    /// why Potions took it; answers the action to follow.
    async fn take_snapshot(
        &self,
        server: &Server,
        name: &str,
        origin: &model::snapshots::Origin,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// Deletes one of the project's snapshots.
    async fn delete_snapshot(&self, snapshot_id: i64) -> Result<Changed<()>, Refused>;
    /// Renames a server (`name` checked); answers any action ids to follow.
    async fn rename(
        &self,
        server_id: model::ServerId,
        name: &str,
    ) -> Result<Changed<Vec<i64>>, Refused>;
    /// One server in full; its price is the caller's to add.
    async fn server(&self, server_id: model::ServerId) -> Result<ServerDetails, DomainError>;
    async fn ssh_keys(&self) -> Result<Vec<SshKey>, DomainError>;
    /// `name` and `public_key` are trimmed and checked; `fingerprint` is the key's MD5.
    async fn add_ssh_key(
        &self,
        name: &str,
        public_key: &str,
        fingerprint: &str,
    ) -> Result<Changed<AddedKey>, Refused>;
    async fn delete_ssh_key(&self, key_id: i64) -> Result<Changed<()>, Refused>;
}

#[derive(Clone, Debug)]
pub struct Provisioning {
    pub(super) connections: Connections,
    catalogues: moka::sync::Cache<ConnectionId, Catalogue>,
    /// Keyed by connection id and generation.
    key_lists: moka::sync::Cache<(ConnectionId, i64), Vec<SshKey>>,
}

/// A connection opened for provisioning, with its provider's implementation.
pub(super) enum Opened<'a> {
    Hetzner(hetzner::HetznerProject<'a>),
    DigitalOcean(digitalocean::DigitalOceanTeam<'a>),
}

/// Runs `$call` on whichever provider the connection uses.
macro_rules! on_provider {
    ($opened:expr, |$p:ident| $call:expr) => {
        match $opened {
            Opened::Hetzner($p) => $call,
            Opened::DigitalOcean($p) => $call,
        }
    };
}
pub(super) use on_provider;

impl Opened<'_> {
    fn connection(&self) -> &Connection {
        on_provider!(self, |p| &p.connection)
    }
}

impl Provisioning {
    pub fn new(connections: Connections) -> Self {
        Self {
            connections,
            catalogues: cache_for(CATALOGUE_TTL),
            key_lists: cache_for(KEY_LIST_TTL),
        }
    }

    pub(crate) fn connections(&self) -> &Connections {
        &self.connections
    }

    /// The connection with its provider's implementation, if provisioning
    /// may use it now: access the provider refused stops every call until
    /// it is restored.
    pub(super) async fn open<'a>(
        &'a self,
        user_id: &'a UserId,
        id: &ConnectionId,
    ) -> Result<Opened<'a>, DomainError> {
        let connection = self.connections.get(user_id, id).await?;
        match connection.provider.as_str() {
            crate::connections::PROVIDER_HETZNER => Ok(Opened::Hetzner(
                hetzner::HetznerProject::open(self, user_id, connection).await?,
            )),
            crate::connections::digitalocean::PROVIDER_DIGITALOCEAN => Ok(Opened::DigitalOcean(
                digitalocean::DigitalOceanTeam::open(self, user_id, connection)?,
            )),
            other => {
                tracing::error!(provider = other, "a connection of an unknown provider");
                Err(DomainError::Refused(Refusal::ConnectionNotFound))
            }
        }
    }

    pub async fn servers(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Vec<Server>, DomainError> {
        on_provider!(self.open(user_id, id).await?, |p| p.servers().await)
    }

    pub async fn catalogue(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Catalogue, DomainError> {
        let opened = self.open(user_id, id).await?;
        if let Some(cached) = self.catalogues.get(id) {
            return Ok(cached);
        }
        let catalogue = on_provider!(opened, |p| p.load_catalogue().await)?;
        self.catalogues.insert(id.clone(), catalogue.clone());
        Ok(catalogue)
    }

    /// Checks the request against the live catalogue (or the connection's
    /// snapshots) before sending it.
    pub async fn create_server(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        new: NewServer,
    ) -> Result<Changed<CreatedServer>, Refused> {
        let mut catalogue = self.catalogue(user_id, id).await?;
        if !catalogue.images.iter().any(|image| image.id == new.image) {
            // A snapshot of the connection, if the disk asked for holds it.
            let disk = catalogue
                .sizes
                .iter()
                .find(|s| s.name == new.size)
                .map(|s| s.disk_gb);
            catalogue.images = self.snapshot_images(user_id, id, disk).await?;
        }
        let new = check_against(&catalogue, new)?;
        let created = on_provider!(self.open(user_id, id).await?, |p| p
            .create_server(new)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(created)
    }

    /// The combined progress of up to ten of the project's actions.
    pub async fn progress(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        actions: &[i64],
    ) -> Result<Progress, DomainError> {
        on_provider!(self.open(user_id, id).await?, |p| p.progress(actions).await)
    }

    /// Deletes a server once its exact name is confirmed.
    pub async fn delete_server(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
        confirm_name: &str,
    ) -> Result<Changed<()>, Refused> {
        let confirm_name = confirm_name.trim();
        let deleted = on_provider!(self.open(user_id, id).await?, |p| p
            .delete_server(server_id, confirm_name)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(deleted)
    }

    /// One server of the connection in full, with its type's monthly price
    /// here from the catalogue (which it loads, or reuses while fresh).
    pub async fn server(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
    ) -> Result<ServerDetails, DomainError> {
        let mut details = self.server_now(user_id, id, server_id).await?;
        if let Ok(catalogue) = self.catalogue(user_id, id).await {
            details.currency = catalogue.currency;
            details.monthly_price = catalogue
                .sizes
                .iter()
                .find(|size| size.name == details.server.size)
                .and_then(|size| size.price_in(&details.server.location));
        }
        Ok(details)
    }

    /// One server of the connection as its provider describes it now,
    /// without its price: what an action reads first, with no catalogue call
    /// on its way.
    pub async fn server_now(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        server_id: model::ServerId,
    ) -> Result<ServerDetails, DomainError> {
        on_provider!(self.open(user_id, id).await?, |p| p.server(server_id).await)
    }

    /// The project's keys; a listing is reused until Potions changes the
    /// project or a minute passes.
    pub async fn ssh_keys(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
    ) -> Result<Vec<SshKey>, DomainError> {
        let opened = self.open(user_id, id).await?;
        let key = (id.clone(), opened.connection().generation);
        if let Some(cached) = self.key_lists.get(&key) {
            return Ok(cached);
        }
        let keys = on_provider!(opened, |p| p.ssh_keys().await)?;
        self.key_lists.insert(key, keys.clone());
        Ok(keys)
    }

    /// Adds a key; one whose fingerprint is already there is returned instead.
    pub async fn add_ssh_key(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        name: &str,
        public_key: &str,
    ) -> Result<Changed<AddedKey>, Refused> {
        let (name, public_key) = (name.trim(), public_key.trim());
        if name.is_empty() || name.chars().count() > 64 {
            return Err(DomainError::Refused(Refusal::InvalidKeyName).into());
        }
        let fingerprint = crate::ssh::md5_fingerprint(public_key)
            .ok_or(DomainError::Refused(Refusal::InvalidPublicKey))?;
        let added = on_provider!(self.open(user_id, id).await?, |p| p
            .add_ssh_key(name, public_key, &fingerprint)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(added)
    }

    pub async fn delete_ssh_key(
        &self,
        user_id: &UserId,
        id: &ConnectionId,
        key_id: i64,
    ) -> Result<Changed<()>, Refused> {
        let deleted = on_provider!(self.open(user_id, id).await?, |p| p
            .delete_ssh_key(key_id)
            .await)?;
        self.project_changed(user_id, id).await;
        Ok(deleted)
    }

    /// The change happened at the provider whatever happens here: a failure
    /// to invalidate caches is logged, not reported as the change's.
    pub(super) async fn project_changed(&self, user_id: &UserId, id: &ConnectionId) {
        if let Err(err) = self.connections.note_project_changed(user_id, id).await {
            tracing::warn!(error = %err, connection_id = %id, "project caches not invalidated");
        }
    }
}

fn cache_for<K, V>(ttl: Duration) -> moka::sync::Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    moka::sync::Cache::builder()
        .max_capacity(CACHE_CAPACITY)
        .time_to_live(ttl)
        .build()
}
