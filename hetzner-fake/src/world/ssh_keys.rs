//! Creating and deleting SSH keys, and their fingerprints.

use fake_kit::ssh::fingerprint;
use serde_json::Value;

use super::{parse_labels, rfc3339_now, ProjectId, SshKey, World};
use crate::error::ApiError;

impl World {
    pub fn create_ssh_key(&mut self, project: ProjectId, body: &Value) -> Result<SshKey, ApiError> {
        let name = body.get("name").and_then(Value::as_str);
        let public_key = body.get("public_key").and_then(Value::as_str);
        let mut missing = Vec::new();
        if name.is_none_or(|n| n.trim().is_empty()) {
            missing.push(("name", "is required"));
        }
        if public_key.is_none() {
            missing.push(("public_key", "is required"));
        }
        if !missing.is_empty() {
            return Err(ApiError::invalid_input(&missing));
        }
        let (name, public_key) = (name.unwrap_or_default(), public_key.unwrap_or_default());
        let labels = parse_labels(body.get("labels"))?;
        let fingerprint = fingerprint(public_key)
            .ok_or_else(|| ApiError::invalid_input(&[("public_key", "invalid public key")]))?;
        let p = self.project(project)?;
        if p.ssh_keys.values().any(|k| k.fingerprint == fingerprint) {
            return Err(ApiError::uniqueness(
                "public_key",
                "SSH key with the same fingerprint already exists",
            ));
        }
        if p.ssh_keys.values().any(|k| k.name == name) {
            return Err(ApiError::uniqueness(
                "name",
                "SSH key with the same name already exists",
            ));
        }
        let id = self.next_id();
        let key = SshKey {
            id,
            name: name.into(),
            fingerprint,
            public_key: public_key.trim().into(),
            labels,
            created: rfc3339_now(),
        };
        self.project_mut(project)?.ssh_keys.insert(id, key.clone());
        Ok(key)
    }

    pub fn delete_ssh_key(&mut self, project: ProjectId, id: i64) -> Result<(), ApiError> {
        self.project_mut(project)?
            .ssh_keys
            .remove(&id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found("ssh_key"))
    }
}
