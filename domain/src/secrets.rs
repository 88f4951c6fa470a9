//! Maintenance of everything stored sealed: which keys it needs, and
//! re-encryption under a new master key.

use crate::crypto::{Binding, CryptoError, Keyring, MasterKey, Purpose, Sealed};
use crate::db::Database;
use crate::error::DomainError;
use zeroize::Zeroizing;

/// The ids of every master key some stored secret was sealed with.
pub async fn required_key_ids(db: &Database) -> Result<Vec<String>, DomainError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT token_key_id FROM connections UNION SELECT private_key_id FROM user_ssh_keys",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Refuses a keyring that cannot open every stored secret, naming a missing key.
pub async fn check_keyring(db: &Database, keyring: &Keyring) -> Result<(), DomainError> {
    match required_key_ids(db)
        .await?
        .into_iter()
        .find(|id| !keyring.has(id))
    {
        Some(missing) => Err(CryptoError::MissingKey(missing).into()),
        None => Ok(()),
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RotationReport {
    pub tokens: u64,
    pub ssh_keys: u64,
}

/// Opens a secret with the old keys and seals it with the new one; returns the
/// plaintext (zeroed on drop) for callers that derive more from it.
fn reseal(
    old: &Keyring,
    new: &Keyring,
    sealed: Sealed,
    binding: Binding<'_>,
) -> Result<(Zeroizing<Vec<u8>>, Sealed), CryptoError> {
    let plain = old.open(&sealed, binding)?;
    let resealed = new.seal(&plain, binding)?;
    Ok((plain, resealed))
}

/// Re-encrypts every secret under `new_key` in one transaction (all or
/// nothing) and recomputes token fingerprints. `old` must open everything.
pub async fn rotate(
    db: &Database,
    old: &Keyring,
    new_key: MasterKey,
) -> Result<(Keyring, RotationReport), DomainError> {
    check_keyring(db, old).await?;
    let new = Keyring::new(new_key, vec![]);
    let mut report = RotationReport::default();
    let mut tx = db.pool().begin().await?;
    let tokens: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, user_id, token_key_id, token_nonce, token_ciphertext FROM connections",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, user_id, key_id, nonce, ciphertext) in tokens {
        let binding = Binding {
            owner_id: &user_id,
            row_id: &id,
            purpose: Purpose::HetznerToken,
        };
        let (plain, sealed) = reseal(
            old,
            &new,
            Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            binding,
        )?;
        let hmac =
            new.token_fingerprint(std::str::from_utf8(&plain).map_err(|_| CryptoError::Decrypt)?);
        sqlx::query(
            "UPDATE connections SET token_key_id = $1, token_nonce = $2, token_ciphertext \
            = $3, token_hmac = $4 WHERE id = $5",
        )
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(hmac)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        report.tokens += 1;
    }
    let keys: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT user_id, private_key_id, private_nonce, private_ciphertext FROM user_ssh_keys",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (user_id, key_id, nonce, ciphertext) in keys {
        let binding = Binding {
            owner_id: &user_id,
            row_id: &user_id,
            purpose: Purpose::SshPrivateKey,
        };
        let (_, sealed) = reseal(
            old,
            &new,
            Sealed {
                key_id,
                nonce,
                ciphertext,
            },
            binding,
        )?;
        sqlx::query(
            "UPDATE user_ssh_keys SET private_key_id = $1, private_nonce = $2, \
            private_ciphertext = $3 WHERE user_id = $4",
        )
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        report.ssh_keys += 1;
    }
    tx.commit().await?;
    Ok((new, report))
}
