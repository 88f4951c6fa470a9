//! The `state` of an OAuth flow: random, stored only as a hash, bound to the
//! user and the browser session that started it, single-use, 10 minutes.
//! The PKCE verifier waits beside it, sealed.

use crate::error::Refusal;
use base64::Engine as _;
use model::{ConnectionId, UserId};
use rand::RngCore as _;

use crate::accounts::sessions::hash_secret;
use crate::clock::now_unix;
use crate::connections::Connections;
use crate::crypto::{Binding, Purpose, Sealed};
use crate::error::DomainError;
use crate::providers::digitalocean::{Pkce, PkceVerifier};

const STATE_TTL_SECS: i64 = 600;
/// A state is 43 URL-safe characters; anything else is not ours.
const STATE_CHARS: usize = 43;

/// What the start of a flow left for its callback.
pub(super) struct StartedFlow {
    pub label: String,
    pub reconnect_id: Option<ConnectionId>,
    pub verifier: PkceVerifier,
}

fn binding<'a>(user_id: &'a UserId, state_hash: &'a str) -> Binding<'a> {
    Binding {
        owner_id: user_id.as_str(),
        row_id: state_hash,
        purpose: Purpose::PkceVerifier,
    }
}

impl Connections {
    /// Stores a new flow; answers its `state`.
    pub(super) async fn save_state(
        &self,
        user_id: &UserId,
        session_secret: &str,
        label: &str,
        reconnect_id: Option<&ConnectionId>,
        pkce: &Pkce,
    ) -> Result<String, DomainError> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let state = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let state_hash = hash_secret(&state);
        let sealed = self.keyring.seal(
            pkce.verifier.expose_secret().as_bytes(),
            binding(user_id, &state_hash),
        )?;
        let now = now_unix();
        sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
            .bind(now)
            .execute(self.db.pool())
            .await?;
        sqlx::query(
            "INSERT INTO oauth_states (state_hash, user_id, session_hash, label, reconnect_id, \
             verifier_key_id, verifier_nonce, verifier_ciphertext, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&state_hash)
        .bind(user_id)
        .bind(hash_secret(session_secret))
        .bind(label)
        .bind(reconnect_id)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(now + STATE_TTL_SECS)
        .execute(self.db.pool())
        .await?;
        Ok(state)
    }

    /// Takes the flow a callback's `state` names, once. A state of another
    /// user or browser session is left alone and refused, as is one expired.
    pub(super) async fn take_state(
        &self,
        user_id: &UserId,
        session_secret: &str,
        state: Option<&str>,
    ) -> Result<StartedFlow, DomainError> {
        let state = state
            .filter(|s| {
                s.len() == STATE_CHARS
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .ok_or(DomainError::Refused(Refusal::OAuthStateInvalid))?;
        let state_hash = hash_secret(state);
        let row: Option<(String, Option<ConnectionId>, String, String, String, i64)> = sqlx::query_as(
            "DELETE FROM oauth_states WHERE state_hash = $1 AND user_id = $2 AND session_hash = $3 \
             RETURNING label, reconnect_id, verifier_key_id, verifier_nonce, verifier_ciphertext, expires_at",
        )
        .bind(&state_hash)
        .bind(user_id)
        .bind(hash_secret(session_secret))
        .fetch_optional(self.db.pool())
        .await?;
        let (label, reconnect_id, key_id, nonce, ciphertext) = match row {
            Some((label, reconnect_id, key_id, nonce, ciphertext, expires_at))
                if expires_at > now_unix() =>
            {
                (label, reconnect_id, key_id, nonce, ciphertext)
            }
            _ => return Err(DomainError::Refused(Refusal::OAuthStateInvalid)),
        };
        let plain = self.keyring.open(
            &Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            binding(user_id, &state_hash),
        )?;
        let verifier = String::from_utf8(plain.to_vec())
            .map_err(|_| DomainError::Refused(Refusal::OAuthStateInvalid))?;
        Ok(StartedFlow {
            label,
            reconnect_id,
            verifier: PkceVerifier::new(verifier),
        })
    }
}
