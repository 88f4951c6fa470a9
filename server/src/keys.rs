//! Loading the master keys at start, and the `rotate-key` command.

use domain::crypto::{self, CryptoError, Keyring, MasterKey};
use domain::{secrets, Database, DomainError};

use crate::config::Settings;

/// The keys Potions runs with. Never makes a new key over existing data:
/// if stored secrets need a key that is not loaded, start is refused.
pub async fn load(settings: &Settings, db: &Database) -> Result<Keyring, DomainError> {
    let keyring = match &settings.master_key {
        Some(encoded) => Keyring::new(MasterKey::from_base64(encoded)?, vec![]),
        None => {
            let path = crypto::key_file_path(&settings.data_dir);
            match crypto::read_key_file(&path)? {
                Some(keyring) => keyring,
                None => {
                    if let Some(needed) = secrets::required_key_ids(db).await?.into_iter().next() {
                        return Err(CryptoError::MissingKey(needed).into());
                    }
                    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
                        CryptoError::KeyFile {
                            path: path.display().to_string(),
                            reason: e.to_string(),
                        }
                    })?;
                    let key = MasterKey::generate();
                    crypto::write_key_file(&path, &[&key])?;
                    tracing::info!(path = %path.display(), key_id = key.id(), "created a new master key file");
                    Keyring::new(key, vec![])
                }
            }
        }
    };
    secrets::check_keyring(db, &keyring).await?;
    Ok(keyring)
}

/// `potions rotate-key`: re-encrypts everything, then retires the old key.
pub async fn rotate(settings: &Settings, db: &Database) -> Result<String, DomainError> {
    let old = load(settings, db).await?;
    let new_key = MasterKey::generate();
    let new_id = new_key.id().to_string();
    let path = crypto::key_file_path(&settings.data_dir);
    let uses_key_file = settings.master_key.is_none();
    if uses_key_file {
        // Both keys on disk before any secret changes: a crash in between
        // leaves every secret readable.
        let retiring = crypto::read_key_file(&path)?
            .ok_or_else(|| CryptoError::MissingKey(old.current().id().into()))?;
        crypto::write_key_file(&path, &[&new_key, retiring.current()])?;
    }
    let printable = (!uses_key_file).then(|| new_key.to_base64());
    let (rotated, report) = secrets::rotate(db, &old, new_key).await?;
    if uses_key_file {
        crypto::write_key_file(&path, &[rotated.current()])?;
    }
    let mut summary = format!(
        "Re-encrypted {} provider token(s) and {} SSH private key(s) under master key {new_id} (was {}).",
        report.tokens,
        report.ssh_keys,
        old.current().id()
    );
    match printable {
        Some(encoded) => summary.push_str(&format!(
            "\nSet POTIONS_MASTER_KEY to this new key before the next start:\n{}",
            encoded.as_str()
        )),
        None => summary.push_str(&format!(
            "\nThe key file {} now holds only the new key.",
            path.display()
        )),
    }
    Ok(summary)
}
