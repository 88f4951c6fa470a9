//! A project's SSH keys: list, add (a key already there is returned
//! instead), delete.

use std::collections::BTreeMap;

use super::Provisioning;
use crate::error::DomainError;
use crate::hetzner::{ErrorKind, ListParams, SshKey};
use crate::ssh;

/// The outcome of adding an SSH key.
#[derive(Debug, Clone)]
pub enum AddedKey {
    Created(SshKey),
    /// A key with that fingerprint was already there; this is it.
    AlreadyThere(SshKey),
}

impl Provisioning {
    pub async fn ssh_keys(
        &self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<Vec<SshKey>, DomainError> {
        let (_, token) = self.open(user_id, connection_id).await?;
        match self.connections.hetzner().all_ssh_keys(&token).await {
            Ok(answer) => Ok(answer.value),
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
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
            Err(err) => return Err(self.fail(user_id, connection_id, err).await),
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
                    Err(err) => Err(self.fail(user_id, connection_id, err).await),
                }
            }
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
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
            Err(err) => Err(self.fail(user_id, connection_id, err).await),
        }
    }
}
