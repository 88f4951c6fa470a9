//! A project's servers: list, create (checked against the catalogue first),
//! follow the actions, delete once the name is confirmed.

use super::Provisioning;
use crate::connections::managed_labels;
use crate::error::DomainError;
use crate::hetzner::{Action, CreateServer, CreatedServer, ListParams, Server};

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

impl Provisioning {
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
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
        }
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
            labels: managed_labels(),
            start_after_create: true,
        };
        let client = self.connections.hetzner();
        let created = match client.create_server(&token, &request).await {
            Ok(created) => Ok(created.value),
            // The Potions key was deleted from the project: add it again, once.
            Err(err) if err.kind.names_field_of_invalid_input("ssh_keys") => {
                let key_id = self
                    .connections
                    .restore_project_key(user_id, connection_id, &token)
                    .await?;
                let mut retry = request.clone();
                retry.ssh_keys[0] = key_id;
                match client.create_server(&token, &retry).await {
                    Ok(created) => Ok(created.value),
                    Err(err) => Err(self.fail(user_id, connection_id, err).await),
                }
            }
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
        }?;
        self.project_changed(user_id, connection_id).await;
        Ok(created)
    }

    /// The server exists (or is gone) at Hetzner whatever happens here: a
    /// failure to invalidate caches is logged, not reported as the create's.
    async fn project_changed(&self, user_id: &str, connection_id: &str) {
        if let Err(err) = self
            .connections
            .note_project_changed(user_id, connection_id)
            .await
        {
            tracing::warn!(error = %err, connection_id, "project caches not invalidated");
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
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
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
            Err(err) => return Err(self.fail(user_id, connection_id, err).await),
        };
        if server.name != confirm_name.trim() {
            return Err(DomainError::ConfirmationMismatch);
        }
        if server.protection.delete {
            return Err(DomainError::ServerProtected);
        }
        match client.delete_server(&token, server_id).await {
            Ok(_) => {
                self.project_changed(user_id, connection_id).await;
                Ok(())
            }
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
        }
    }
}
