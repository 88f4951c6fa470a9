//! Proving a token works both ways: a read (list one server) shows it is
//! valid, a write (the user's SSH key) shows it is Read & Write.

use crate::connections::hetzner::token_check_failure;
use crate::connections::user_key::UserKey;
use crate::connections::{managed_labels, Connections};
use crate::error::DomainError;
use crate::providers::hetzner::{ApiToken, ErrorKind, HetznerError, ListParams, Page};

/// What a passed check learned.
pub(in crate::connections) struct CheckedToken {
    pub server_count: i64,
    /// The project's id of the user's Potions key.
    pub ssh_key_id: i64,
}

/// The server count of a one-item page: its total, or what it holds.
pub(in crate::connections) fn server_count<T>(page: &Page<T>) -> i64 {
    page.pagination
        .as_ref()
        .and_then(|p| p.total_entries)
        .unwrap_or(page.items.len() as i64)
}

/// A list call that asks for one server: enough to count them.
pub(in crate::connections) fn one_server() -> ListParams {
    ListParams {
        per_page: Some(1),
        ..ListParams::default()
    }
}

impl Connections {
    /// Makes sure the user's key is in the project: uploads it, or finds it by
    /// fingerprint when Hetzner already has it.
    pub(in crate::connections) async fn ensure_project_key(
        &self,
        token: &ApiToken,
        key: &UserKey,
    ) -> Result<i64, HetznerError> {
        let name = format!(
            "potions-{}",
            key.fingerprint.replace(':', "").get(..12).unwrap_or("key")
        );
        match self
            .hetzner
            .create_ssh_key(token, &name, &key.public_key, &managed_labels())
            .await
        {
            Ok(created) => Ok(created.value.id),
            Err(err) if matches!(err.kind, ErrorKind::Uniqueness { .. }) => {
                let params = ListParams {
                    fingerprint: Some(key.fingerprint.clone()),
                    ..ListParams::default()
                };
                let found = self.hetzner.list_ssh_keys(token, &params).await?;
                found.value.items.first().map(|k| k.id).ok_or(err)
            }
            Err(err) => Err(err),
        }
    }

    /// Checks a token both ways at once, so a good token costs one round trip.
    pub(in crate::connections) async fn check_token(
        &self,
        token: &ApiToken,
        key: &UserKey,
    ) -> Result<CheckedToken, DomainError> {
        let one = one_server();
        let (read, write) = futures::join!(
            self.hetzner.list_servers(token, &one),
            self.ensure_project_key(token, key)
        );
        match (read, write) {
            (Ok(page), Ok(ssh_key_id)) => Ok(CheckedToken {
                server_count: server_count(&page.value),
                ssh_key_id,
            }),
            (read, write) => {
                let failures: Vec<HetznerError> =
                    [read.err(), write.err()].into_iter().flatten().collect();
                for err in &failures {
                    tracing::warn!(error = %err, "token check failed");
                }
                Err(token_check_failure(&failures))
            }
        }
    }
}
