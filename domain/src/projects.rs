//! Provisioning in a connected project: servers, SSH keys and the catalogue
//! that the create form offers, all through the connection's token.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::connections::{Connection, ConnectionStatus, Connections, MANAGED_BY};
use crate::error::DomainError;
use crate::provider_failure::provisioning_failure;
use crate::hetzner::{
    Action, ApiToken, CreateServer, CreatedServer, ErrorKind, HetznerError, Image, ListParams,
    Location, Server, ServerType, SshKey,
};
use crate::ssh;

/// Catalogue data changes rarely: reuse it this long per project.
const CATALOGUE_TTL: Duration = Duration::from_secs(300);
/// Catalogues kept at most (one per connection).
const CATALOGUE_CAPACITY: u64 = 10_000;

/// What the create form offers, from the live API.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub locations: Vec<Location>,
    pub server_types: Vec<ServerType>,
    pub images: Vec<Image>,
}

impl Catalogue {
    /// Server types sold in `location` and not deprecated.
    pub fn types_in(&self, location: &str) -> Vec<&ServerType> {
        self.server_types
            .iter()
            .filter(|t| t.available_in(location))
            .collect()
    }

    /// System images for an architecture, not deprecated.
    pub fn images_for(&self, architecture: &str) -> Vec<&Image> {
        self.images
            .iter()
            .filter(|i| i.architecture == architecture && i.deprecated.is_none())
            .collect()
    }

    /// Locations where a type is sold (for "not available here" messages).
    pub fn locations_of(&self, server_type: &str) -> Vec<String> {
        self.server_types
            .iter()
            .find(|t| t.name == server_type)
            .map(|t| {
                t.locations
                    .iter()
                    .filter(|l| l.deprecation.is_none())
                    .map(|l| l.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A new server as the user asked for it.
#[derive(Debug, Clone)]
pub struct NewServer {
    pub name: String,
    pub location: String,
    pub server_type: String,
    pub image: i64,
    /// The project's keys the user ticked; the Potions key is always added.
    pub ssh_keys: Vec<i64>,
}

/// The outcome of adding an SSH key.
#[derive(Debug, Clone)]
pub enum AddedKey {
    Created(SshKey),
    /// A key with that fingerprint was already there; this is it.
    AlreadyThere(SshKey),
}

pub fn is_managed_by_potions(labels: &BTreeMap<String, String>) -> bool {
    labels.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1)
}

#[derive(Clone, Debug)]
pub struct Projects {
    connections: Connections,
    catalogues: moka::sync::Cache<String, Catalogue>,
}

impl Projects {
    pub fn new(connections: Connections) -> Self {
        Self {
            connections,
            catalogues: moka::sync::Cache::builder()
                .max_capacity(CATALOGUE_CAPACITY)
                .time_to_live(CATALOGUE_TTL)
                .build(),
        }
    }

    /// The connection and its token, if provisioning may use it now. A token
    /// Hetzner rejected stops every call until it is replaced or passes a re-check.
    async fn open(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<(Connection, ApiToken), DomainError> {
        let connection = self.connections.get(user_id, connection_id).await?;
        if connection.status == ConnectionStatus::NeedsAttention {
            return Err(DomainError::NeedsAttention);
        }
        let token = self.connections.token(user_id, connection_id).await?;
        Ok((connection, token))
    }

    /// Turns a Hetzner failure into the user's terms, noting a rejected token.
    async fn fail(&self, connection_id: &str, err: HetznerError) -> DomainError {
        let _ = self.connections.note_failure(connection_id, &err).await;
        let failure = provisioning_failure(&err);
        if matches!(failure, DomainError::HetznerUnreachable) {
            tracing::warn!(connection_id, error = %err, "hetzner call failed");
        }
        failure
    }

    pub async fn servers(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<Vec<Server>, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        match self
            .connections
            .hetzner()
            .all_servers(&token, &ListParams::default())
            .await
        {
            Ok(answer) => Ok(answer.value),
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    pub async fn catalogue(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<Catalogue, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        if let Some(cached) = self.catalogues.get(connection_id) {
            return Ok(cached);
        }
        let client = self.connections.hetzner();
        let (locations, types, images) = futures::join!(
            client.locations(&token),
            client.server_types(&token),
            client.system_images(&token, None)
        );
        let catalogue = match (locations, types, images) {
            (Ok(l), Ok(t), Ok(i)) => Catalogue {
                locations: l.value,
                server_types: t.value,
                images: i.value,
            },
            (l, t, i) => {
                let err = [l.err(), t.err(), i.err()].into_iter().flatten().next();
                return Err(match err {
                    Some(err) => self.fail(connection_id, err).await,
                    None => DomainError::HetznerUnreachable,
                });
            }
        };
        self.catalogues
            .insert(connection_id.to_string(), catalogue.clone());
        Ok(catalogue)
    }

    /// Checks the request against the live catalogue before sending it.
    pub async fn create_server(
        &self,
        user_id: &str,
        connection_id: &str,
        new: NewServer,
    ) -> Result<CreatedServer, DomainError> {
        let name = new.name.trim().to_ascii_lowercase();
        if !rules::is_valid_server_name(&name) {
            return Err(DomainError::InvalidServerName);
        }
        let catalogue = self.catalogue(user_id, connection_id).await?;
        let server_type = catalogue
            .server_types
            .iter()
            .find(|t| t.name == new.server_type)
            .ok_or(DomainError::InvalidServerRequest {
                fields: vec!["server_type".into()],
            })?;
        if !catalogue.locations.iter().any(|l| l.name == new.location) {
            return Err(DomainError::InvalidServerRequest {
                fields: vec!["location".into()],
            });
        }
        if !server_type.available_in(&new.location) {
            return Err(DomainError::ServerTypeUnavailable {
                available_in: catalogue.locations_of(&server_type.name),
            });
        }
        if !catalogue
            .images_for(&server_type.architecture)
            .iter()
            .any(|i| i.id == new.image)
        {
            return Err(DomainError::InvalidServerRequest {
                fields: vec!["image".into()],
            });
        }
        let (connection, token) = self.open(user_id, connection_id).await?;
        let mut ssh_keys = vec![connection.ssh_key_id];
        ssh_keys.extend(
            new.ssh_keys
                .iter()
                .copied()
                .filter(|k| *k != connection.ssh_key_id),
        );
        let request = CreateServer {
            name,
            server_type: server_type.name.clone(),
            image: new.image.to_string(),
            location: new.location,
            ssh_keys,
            labels: BTreeMap::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())]),
            start_after_create: true,
        };
        let client = self.connections.hetzner();
        match client.create_server(&token, &request).await {
            Ok(created) => Ok(created.value),
            // The Potions key was deleted from the project: add it again, once.
            Err(err) if matches!(&err.kind, ErrorKind::InvalidInput { fields } if fields.iter().any(|f| f == "ssh_keys")) =>
            {
                let key_id = self
                    .connections
                    .restore_project_key(user_id, connection_id, &token)
                    .await?;
                let mut retry = request.clone();
                retry.ssh_keys[0] = key_id;
                match client.create_server(&token, &retry).await {
                    Ok(created) => Ok(created.value),
                    Err(err) => Err(self.fail(connection_id, err).await),
                }
            }
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    pub async fn actions(
        &self,
        user_id: &str,
        connection_id: &str,
        ids: &[i64],
    ) -> Result<Vec<Action>, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        match self.connections.hetzner().get_actions(&token, ids).await {
            Ok(answer) => Ok(answer.value),
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    /// Deletes a server once its exact name is confirmed.
    pub async fn delete_server(
        &self,
        user_id: &str,
        connection_id: &str,
        server_id: i64,
        confirm_name: &str,
    ) -> Result<(), DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        let client = self.connections.hetzner();
        let server = match client.get_server(&token, server_id).await {
            Ok(answer) => answer.value,
            Err(err) => return Err(self.fail(connection_id, err).await),
        };
        if server.name != confirm_name.trim() {
            return Err(DomainError::ConfirmationMismatch);
        }
        if server.protection.delete {
            return Err(DomainError::ServerProtected);
        }
        match client.delete_server(&token, server_id).await {
            Ok(_) => Ok(()),
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    pub async fn ssh_keys(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<Vec<SshKey>, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        match self.connections.hetzner().all_ssh_keys(&token).await {
            Ok(answer) => Ok(answer.value),
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    /// Adds a key; one whose fingerprint is already there is returned instead.
    pub async fn add_ssh_key(
        &self,
        user_id: &str,
        connection_id: &str,
        name: &str,
        public_key: &str,
    ) -> Result<AddedKey, DomainError> {
        let (name, public_key) = (name.trim(), public_key.trim());
        if name.is_empty() || name.chars().count() > 64 {
            return Err(DomainError::InvalidKeyName);
        }
        let fingerprint = ssh::md5_fingerprint(public_key).ok_or(DomainError::InvalidPublicKey)?;
        let (_, token) = self.open(user_id, connection_id).await?;
        let client = self.connections.hetzner();
        let existing = |fingerprint: String| async {
            let params = ListParams {
                fingerprint: Some(fingerprint),
                ..ListParams::default()
            };
            client
                .list_ssh_keys(&token, &params)
                .await
                .map(|a| a.value.items.into_iter().next())
        };
        match existing(fingerprint.clone()).await {
            Ok(Some(key)) => return Ok(AddedKey::AlreadyThere(key)),
            Ok(None) => {}
            Err(err) => return Err(self.fail(connection_id, err).await),
        }
        match client
            .create_ssh_key(&token, name, public_key, &BTreeMap::new())
            .await
        {
            Ok(created) => Ok(AddedKey::Created(created.value)),
            Err(err) if matches!(&err.kind, ErrorKind::Uniqueness { fields } if fields.iter().any(|f| f == "name")) => {
                Err(DomainError::KeyNameTaken)
            }
            Err(err) if matches!(err.kind, ErrorKind::Uniqueness { .. }) => {
                match existing(fingerprint).await {
                    Ok(Some(key)) => Ok(AddedKey::AlreadyThere(key)),
                    Ok(None) => Err(DomainError::KeyNameTaken),
                    Err(err) => Err(self.fail(connection_id, err).await),
                }
            }
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }

    pub async fn delete_ssh_key(
        &self,
        user_id: &str,
        connection_id: &str,
        key_id: i64,
    ) -> Result<(), DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        match self
            .connections
            .hetzner()
            .delete_ssh_key(&token, key_id)
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => Err(self.fail(connection_id, err).await),
        }
    }
}
