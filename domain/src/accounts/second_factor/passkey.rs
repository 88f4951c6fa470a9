//! Passkeys (WebAuthn, user verification required, no attestation) as a
//! second factor: added, named and removed on Account → Security, asked for
//! after the password. Each ceremony's state waits server-side for five
//! minutes, bound to its user (and, when signing in, to the waiting
//! sign-in), and is deleted as it is used.

use crate::error::Refusal;
use base64::Engine as _;
use model::UserId;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{
    AuthenticationResult, Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};

use super::ceremony::{sign_in_purpose, stored_json, REGISTER};
use super::relying_party::RelyingParty;
use super::{Factor, RecoveryCodes, SecondFactors, SecondStepDone};
use crate::accounts::sessions::{hash_secret, BrowserSession};
use crate::accounts::User;
use crate::clock::now_unix;
use crate::db::new_id;
use crate::error::DomainError;

pub const MAX_PASSKEYS: i64 = 10;
pub const NAME_MAX_CHARS: usize = 64;

/// A ceremony started: the id that brings the browser's answer back, and
/// the options (JSON) the browser hands to `navigator.credentials`.
pub struct PasskeyChallenge {
    pub ceremony: String,
    pub options: String,
}

/// A registered passkey as Account → Security lists it.
#[derive(Debug, Clone)]
pub struct PasskeyInfo {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What waits between the two halves of adding a passkey.
#[derive(Serialize, Deserialize)]
struct Registering {
    name: String,
    state: PasskeyRegistration,
}

/// A name the user chose: trimmed, 1–64 characters, no control characters.
fn checked_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(DomainError::Refused(Refusal::InvalidPasskeyName));
    }
    Ok(name.to_string())
}

/// The WebAuthn user handle: stable per account, and no personal data.
fn user_handle(user_id: &UserId) -> Uuid {
    let digest = Sha256::digest(format!("potions-passkey-user:{user_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// How a credential id is stored: base64url, as browsers send it.
fn encoded_credential_id(id: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// The browser's answer; anything malformed is a refusal.
fn answer<T: DeserializeOwned>(json: &str) -> Result<T, DomainError> {
    serde_json::from_str(json).map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))
}

impl SecondFactors {
    fn relying_party(&self) -> Result<&RelyingParty, DomainError> {
        self.relying_party
            .as_ref()
            .ok_or(DomainError::Refused(Refusal::PasskeysUnavailable))
    }

    pub fn passkey_origin(&self) -> Option<String> {
        self.relying_party.as_ref().map(RelyingParty::origin)
    }

    pub async fn passkeys(&self, user_id: &UserId) -> Result<Vec<PasskeyInfo>, DomainError> {
        let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, last_used_at)| PasskeyInfo {
                id,
                name,
                created_at,
                last_used_at,
            })
            .collect())
    }

    pub(super) async fn has_passkey(&self, user_id: &UserId) -> Result<bool, DomainError> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(self.db.pool())
            .await?;
        Ok(count > 0)
    }

    async fn credentials(&self, user_id: &UserId) -> Result<Vec<Passkey>, DomainError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT credential FROM passkeys WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(self.db.pool())
                .await?;
        rows.iter().map(|(json,)| stored_json(json)).collect()
    }

    /// First half of adding a passkey (the caller checked the password).
    pub async fn begin_passkey_registration(
        &self,
        user: &User,
        name: &str,
    ) -> Result<PasskeyChallenge, DomainError> {
        let rp = self.relying_party()?;
        let name = checked_name(name)?;
        let existing = self.credentials(&user.id).await?;
        if existing.len() as i64 >= MAX_PASSKEYS {
            return Err(DomainError::Refused(Refusal::PasskeyRefused));
        }
        let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
        let (options, state) =
            rp.0.start_passkey_registration(
                user_handle(&user.id),
                &user.email,
                &user.email,
                Some(exclude),
            )
            .map_err(|err| {
                tracing::error!(error = %err, "could not start a passkey registration");
                DomainError::Refused(Refusal::PasskeyRefused)
            })?;
        let ceremony = self
            .store_ceremony(&user.id, REGISTER, &Registering { name, state })
            .await?;
        let options = serde_json::to_string(&options)
            .map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))?;
        Ok(PasskeyChallenge { ceremony, options })
    }

    /// Second half: the browser's new credential is checked and kept. A
    /// first factor also brings the first recovery codes (shown once).
    pub async fn finish_passkey_registration(
        &self,
        user_id: &UserId,
        session: &BrowserSession,
        ceremony: &str,
        credential: &str,
    ) -> Result<Option<RecoveryCodes>, DomainError> {
        let rp = self.relying_party()?;
        let credential: RegisterPublicKeyCredential = answer(credential)?;
        let registering: Registering = self.take_ceremony(ceremony, user_id, REGISTER).await?;
        let passkey =
            rp.0.finish_passkey_registration(&credential, &registering.state)
                .map_err(|err| {
                    tracing::info!(error = %err, "a passkey registration was refused");
                    DomainError::Refused(Refusal::PasskeyRefused)
                })?;
        let stored = serde_json::to_string(&passkey)
            .map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))?;
        let mut tx = self.db.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO passkeys (id, user_id, credential_id, name, credential, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(user_id)
        .bind(encoded_credential_id(passkey.cred_id()))
        .bind(&registering.name)
        .bind(stored)
        .bind(now_unix())
        .execute(&mut *tx)
        .await;
        if let Err(err) = inserted {
            if err
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation())
            {
                // Registered already, here or to another account.
                return Err(DomainError::Refused(Refusal::PasskeyRefused));
            }
            return Err(err.into());
        }
        let (codes_made,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        let codes = if codes_made == 0 {
            Some(self.replace_codes(&mut tx, user_id, session).await?)
        } else {
            None
        };
        tx.commit().await?;
        tracing::info!(%user_id, "passkey added");
        Ok(codes)
    }

    pub async fn rename_passkey(
        &self,
        user_id: &UserId,
        id: &str,
        name: &str,
    ) -> Result<(), DomainError> {
        let name = checked_name(name)?;
        let renamed = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
            .bind(name)
            .bind(id)
            .bind(user_id)
            .execute(self.db.pool())
            .await?;
        if renamed.rows_affected() != 1 {
            return Err(DomainError::Refused(Refusal::PasskeyNotFound));
        }
        Ok(())
    }

    /// Removes a passkey (the caller checked the password). With no factor
    /// left, the recovery codes go too.
    pub async fn remove_passkey(&self, user_id: &UserId, id: &str) -> Result<(), DomainError> {
        let removed = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(self.db.pool())
            .await?;
        if removed.rows_affected() != 1 {
            return Err(DomainError::Refused(Refusal::PasskeyNotFound));
        }
        self.forget_codes_without_factor(user_id).await?;
        tracing::info!(%user_id, "passkey removed");
        Ok(())
    }

    /// First half of a passkey as the second step of the sign-in `pending`.
    pub async fn begin_passkey_sign_in(
        &self,
        pending: &str,
    ) -> Result<PasskeyChallenge, DomainError> {
        let rp = self.relying_party()?;
        let pending_hash = hash_secret(pending);
        let user_id = self.waiting(&pending_hash).await?;
        let passkeys = self.credentials(&user_id).await?;
        if passkeys.is_empty() {
            return Err(DomainError::Refused(Refusal::PasskeyNotFound));
        }
        let (options, state) =
            rp.0.start_passkey_authentication(&passkeys)
                .map_err(|err| {
                    tracing::error!(error = %err, "could not start a passkey sign-in");
                    DomainError::Refused(Refusal::PasskeyRefused)
                })?;
        let purpose = sign_in_purpose(&pending_hash);
        let ceremony = self.store_ceremony(&user_id, &purpose, &state).await?;
        let options = serde_json::to_string(&options)
            .map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))?;
        Ok(PasskeyChallenge { ceremony, options })
    }

    /// Second half: the assertion must come from one of the user's own
    /// passkeys, with user verification, for this ceremony. Counted by the
    /// same throttle as codes.
    pub async fn complete_sign_in_with_passkey(
        &self,
        pending: &str,
        ceremony: &str,
        credential: &str,
    ) -> Result<SecondStepDone, DomainError> {
        let rp = self.relying_party()?;
        let pending_hash = hash_secret(pending);
        let user_id = self.waiting(&pending_hash).await?;
        let credential: PublicKeyCredential = answer(credential)?;
        let state: PasskeyAuthentication = self
            .take_ceremony(ceremony, &user_id, &sign_in_purpose(&pending_hash))
            .await?;
        let refused = Refusal::PasskeyRefused;
        self.second_step(&user_id, &pending_hash, refused, |_| async {
            match rp.0.finish_passkey_authentication(&credential, &state) {
                Ok(result) => self.note_use(&user_id, &result).await,
                Err(err) => {
                    tracing::info!(error = %err, "a passkey assertion was refused");
                    Ok(None)
                }
            }
        })
        .await?;
        self.finish(user_id, &pending_hash, Factor::Passkey).await
    }

    /// Keeps the passkey's new counter and when it was used; `None` if the
    /// passkey was removed meanwhile.
    async fn note_use(
        &self,
        user_id: &UserId,
        result: &AuthenticationResult,
    ) -> Result<Option<()>, DomainError> {
        let credential_id = encoded_credential_id(result.cred_id());
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, credential FROM passkeys WHERE credential_id = $1 AND user_id = $2",
        )
        .bind(&credential_id)
        .bind(user_id)
        .fetch_optional(self.db.pool())
        .await?;
        let Some((id, stored)) = row else {
            return Ok(None);
        };
        let mut passkey: Passkey = stored_json(&stored)?;
        passkey.update_credential(result);
        let updated = serde_json::to_string(&passkey)
            .map_err(|_| DomainError::Refused(Refusal::PasskeyRefused))?;
        sqlx::query("UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3")
            .bind(updated)
            .bind(now_unix())
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(Some(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_plain_text() {
        assert_eq!(checked_name("  YubiKey 5 ").unwrap(), "YubiKey 5");
        assert!(checked_name(" ").is_err());
        assert!(checked_name("a\u{0}b").is_err());
        assert!(checked_name(&"x".repeat(65)).is_err());
        assert_eq!(checked_name(&"é".repeat(64)).unwrap().chars().count(), 64);
    }

    #[test]
    fn the_user_handle_is_stable_and_says_nothing() {
        let (u1, u2) = (UserId::new("u1"), UserId::new("u2"));
        assert_eq!(user_handle(&u1), user_handle(&u1));
        assert_ne!(user_handle(&u1), user_handle(&u2));
        assert!(!user_handle(&u1).to_string().contains("u1"));
    }
}
