//! The user's Potions SSH key pair: one per user, shared by every project.

use crate::crypto::{Binding, Purpose, Sealed};
use crate::error::DomainError;
use crate::ssh;
use model::UserId;

use super::Connections;

/// The user's Potions key pair, as stored or freshly made (not yet stored).
pub(super) struct UserKey {
    pub public_key: String,
    pub fingerprint: String,
    /// `Some` when the pair is new and must be stored with the connection.
    pub unsaved: Option<Sealed>,
}

impl Connections {
    pub(super) async fn user_key(&self, user_id: &UserId) -> Result<UserKey, DomainError> {
        let stored: Option<(String, String)> =
            sqlx::query_as("SELECT public_key, fingerprint FROM user_ssh_keys WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.db.pool())
                .await?;
        if let Some((public_key, fingerprint)) = stored {
            return Ok(UserKey {
                public_key,
                fingerprint,
                unsaved: None,
            });
        }
        let (public_key, seed) = ssh::generate_ed25519("potions");
        let fingerprint = ssh::md5_fingerprint(&public_key).ok_or(DomainError::Hashing)?;
        let binding = Binding {
            owner_id: user_id.as_str(),
            row_id: user_id.as_str(),
            purpose: Purpose::SshPrivateKey,
        };
        let sealed = self.keyring.seal(seed.as_ref(), binding)?;
        Ok(UserKey {
            public_key,
            fingerprint,
            unsaved: Some(sealed),
        })
    }
}
