//! Maintenance of everything stored sealed: which keys it needs, the token
//! fingerprint key, and re-encryption under a new master key.

use sqlx::{Any, Transaction};

use crate::crypto::instances::{begin_key_change, live_instances};
use crate::crypto::stored_keys::check_keyring;
use crate::crypto::{Binding, CryptoError, FingerprintKey, Keyring, MasterKey, Purpose, Sealed};
use crate::db::{Backend, Database};
use crate::error::DomainError;

const FINGERPRINT_KEY: &str = "token-fingerprint-key";

fn fingerprint_key_binding() -> Binding<'static> {
    Binding {
        owner_id: "potions",
        row_id: FINGERPRINT_KEY,
        purpose: Purpose::FingerprintKey,
    }
}

/// The keyring with the stored fingerprint key. The first start keeps the key
/// fingerprints were made with until then; instances starting together agree
/// on one (the first insert wins, every instance reads it back).
pub async fn with_fingerprint_key(db: &Database, keyring: Keyring) -> Result<Keyring, DomainError> {
    let select = "SELECT key_id, nonce, ciphertext FROM sealed_settings WHERE name = $1";
    let mut stored: Option<(String, String, String)> = sqlx::query_as(select)
        .bind(FINGERPRINT_KEY)
        .fetch_optional(db.pool())
        .await?;
    if stored.is_none() {
        let sealed = keyring.seal(
            keyring.initial_fingerprint_key().as_bytes(),
            fingerprint_key_binding(),
        )?;
        sqlx::query(
            "INSERT INTO sealed_settings (name, key_id, nonce, ciphertext) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        )
        .bind(FINGERPRINT_KEY)
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(db.pool())
        .await?;
        stored = sqlx::query_as(select)
            .bind(FINGERPRINT_KEY)
            .fetch_optional(db.pool())
            .await?;
    }
    let (key_id, nonce, ciphertext) = stored.ok_or(CryptoError::Decrypt)?;
    let plain = keyring.open(
        &Sealed {
            key_id,
            nonce,
            ciphertext,
        },
        fingerprint_key_binding(),
    )?;
    let key = FingerprintKey::from_bytes(&plain)?;
    Ok(keyring.with_fingerprint_key(key))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RotationReport {
    /// Provider tokens (a DigitalOcean connection has two).
    pub tokens: u64,
    pub ssh_keys: u64,
}

/// One kind of sealed column: where it lives and how its binding is made.
struct SealedColumn {
    select: &'static str,
    update: &'static str,
    purpose: Purpose,
}

/// Provider tokens: Hetzner's, and DigitalOcean's access and refresh tokens.
const TOKEN_COLUMNS: [SealedColumn; 3] = [
    SealedColumn {
        select: "SELECT user_id, id, token_key_id, token_nonce, token_ciphertext FROM connections \
                 WHERE provider = 'hetzner'",
        update: "UPDATE connections SET token_key_id = $1, token_nonce = $2, \
                 token_ciphertext = $3 WHERE id = $4",
        purpose: Purpose::HetznerToken,
    },
    SealedColumn {
        select: "SELECT user_id, id, token_key_id, token_nonce, token_ciphertext FROM connections \
                 WHERE provider = 'digitalocean'",
        update: "UPDATE connections SET token_key_id = $1, token_nonce = $2, \
                 token_ciphertext = $3 WHERE id = $4",
        purpose: Purpose::DigitalOceanAccessToken,
    },
    SealedColumn {
        select: "SELECT user_id, id, refresh_key_id, refresh_nonce, refresh_ciphertext FROM connections \
                 WHERE provider = 'digitalocean' AND refresh_key_id IS NOT NULL",
        update: "UPDATE connections SET refresh_key_id = $1, refresh_nonce = $2, \
                 refresh_ciphertext = $3 WHERE id = $4",
        purpose: Purpose::DigitalOceanRefreshToken,
    },
];

/// Everything else sealed: SSH keys, flows under way, settings.
const OTHER_COLUMNS: [SealedColumn; 5] = [
    SealedColumn {
        select: "SELECT user_id, user_id, private_key_id, private_nonce, private_ciphertext \
                 FROM user_ssh_keys",
        update: "UPDATE user_ssh_keys SET private_key_id = $1, private_nonce = $2, \
                 private_ciphertext = $3 WHERE user_id = $4",
        purpose: Purpose::SshPrivateKey,
    },
    SealedColumn {
        select: "SELECT user_id, state_hash, verifier_key_id, verifier_nonce, verifier_ciphertext \
                 FROM oauth_states",
        update: "UPDATE oauth_states SET verifier_key_id = $1, verifier_nonce = $2, \
                 verifier_ciphertext = $3 WHERE state_hash = $4",
        purpose: Purpose::PkceVerifier,
    },
    SealedColumn {
        select: "SELECT 'potions', name, key_id, nonce, ciphertext FROM sealed_settings",
        update: "UPDATE sealed_settings SET key_id = $1, nonce = $2, ciphertext = $3 \
                 WHERE name = $4",
        purpose: Purpose::FingerprintKey,
    },
    SealedColumn {
        select: "SELECT user_id, user_id, secret_key_id, secret_nonce, secret_ciphertext \
                 FROM totp_factors",
        update: "UPDATE totp_factors SET secret_key_id = $1, secret_nonce = $2, \
                 secret_ciphertext = $3 WHERE user_id = $4",
        purpose: Purpose::TotpSecret,
    },
    SealedColumn {
        select: "SELECT user_id, user_id, codes_key_id, codes_nonce, codes_ciphertext \
                 FROM fresh_recovery_codes",
        update: "UPDATE fresh_recovery_codes SET codes_key_id = $1, codes_nonce = $2, \
                 codes_ciphertext = $3 WHERE user_id = $4",
        purpose: Purpose::FreshRecoveryCodes,
    },
];

/// Re-seals every row of one column under the new keyring's current key.
/// On PostgreSQL the rows are locked as they are read: a refresh or a token
/// replaced meanwhile waits for the rotation and then writes its own value,
/// instead of being overwritten by the old one re-sealed (SQLite's write lock,
/// taken first, already keeps every writer out).
async fn reseal_column(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    column: &SealedColumn,
    old: &Keyring,
    new: &Keyring,
) -> Result<u64, DomainError> {
    let select = match backend {
        Backend::Postgres => format!("{} FOR UPDATE", column.select),
        Backend::Sqlite => column.select.to_string(),
    };
    let rows: Vec<(String, String, String, String, String)> =
        sqlx::query_as(&select).fetch_all(&mut **tx).await?;
    let mut count = 0;
    for (owner_id, row_id, key_id, nonce, ciphertext) in rows {
        let binding = Binding {
            owner_id: &owner_id,
            row_id: &row_id,
            purpose: column.purpose,
        };
        let plain = old.open(
            &Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            binding,
        )?;
        let sealed = new.seal(&plain, binding)?;
        sqlx::query(column.update)
            .bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .bind(&row_id)
            .execute(&mut **tx)
            .await?;
        count += 1;
    }
    Ok(count)
}

/// Re-encrypts every secret under `new_key` in one transaction (all or
/// nothing). Refused unless `old` opens everything and every running
/// instance already holds `new_key`; instances starting meanwhile wait.
/// Token fingerprints do not change: their key is stored apart.
pub async fn rotate(
    db: &Database,
    old: &Keyring,
    new_key: MasterKey,
) -> Result<(Keyring, RotationReport), DomainError> {
    let mut tx = begin_key_change(db).await?;
    let lacking = live_instances(&mut tx)
        .await?
        .iter()
        .filter(|instance| !instance.holds(new_key.id()))
        .count();
    if lacking > 0 {
        return Err(CryptoError::RotationWhileInstancesLackKey {
            count: lacking,
            key_id: new_key.id().to_string(),
        }
        .into());
    }
    check_keyring(&mut *tx, old).await?;
    let new = Keyring::new(new_key, vec![]);
    let mut report = RotationReport::default();
    let backend = db.backend();
    for column in &TOKEN_COLUMNS {
        report.tokens += reseal_column(&mut tx, backend, column, old, &new).await?;
    }
    let [ssh_keys, others @ ..] = &OTHER_COLUMNS;
    report.ssh_keys = reseal_column(&mut tx, backend, ssh_keys, old, &new).await?;
    for column in others {
        reseal_column(&mut tx, backend, column, old, &new).await?;
    }
    tx.commit().await?;
    Ok((new, report))
}
