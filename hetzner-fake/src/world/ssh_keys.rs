//! Creating and deleting SSH keys, and their fingerprints.

use base64::Engine as _;
use md5::{Digest, Md5};
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

/// The MD5 fingerprint Hetzner shows (`aa:bb:…`) of an OpenSSH public key,
/// or `None` when the text is not one. Deliberately independent of Potions'
/// own computation (`domain::ssh`), so a mistake there fails the tests.
pub fn fingerprint(public_key: &str) -> Option<String> {
    let mut parts = public_key.split_whitespace();
    let (kind, blob) = (parts.next()?, parts.next()?);
    const KINDS: &[&str] = &[
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    ];
    if !KINDS.contains(&kind) {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    // The blob starts with the key type as a length-prefixed string.
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if bytes.get(4..4 + len)? != kind.as_bytes() {
        return None;
    }
    let digest = Md5::digest(&bytes);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}
