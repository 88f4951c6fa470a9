//! Loading the master keys at start, the `rotate-key` command, and keeping
//! this instance's lease while it serves (see `domain::instances`).

use std::path::Path;

use domain::crypto::instances::{InstanceLease, RENEW_EVERY};
use domain::crypto::{self, CryptoError, Keyring, MasterKey};
use domain::crypto::{secrets, stored_keys};
use domain::{Database, DomainError};

use crate::config::Settings;

/// The keys this instance holds, with the stored fingerprint key. Never
/// makes a new key over existing data: if stored secrets need a key that is
/// not loaded, start is refused.
pub async fn load(settings: &Settings, db: &Database) -> Result<Keyring, DomainError> {
    let keyring = match &settings.master_key {
        Some(encoded) => Keyring::from_keys(MasterKey::list_from_base64(encoded)?)?,
        None => {
            let path = crypto::key_file_path(&settings.data_dir);
            match crypto::read_key_file(&path)? {
                Some(keyring) => keyring,
                None => create_key_file(settings, db, &path).await?,
            }
        }
    };
    stored_keys::check_keyring(db.pool(), &keyring).await?;
    secrets::with_fingerprint_key(db, keyring).await
}

async fn create_key_file(
    settings: &Settings,
    db: &Database,
    path: &Path,
) -> Result<Keyring, DomainError> {
    if let Some(needed) = stored_keys::required_key_ids(db.pool())
        .await?
        .into_iter()
        .next()
    {
        return Err(CryptoError::MissingKey(needed).into());
    }
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| CryptoError::KeyFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let key = MasterKey::generate();
    crypto::write_key_file(path, &[&key])?;
    tracing::info!(path = %path.display(), key_id = key.id(), "created a new master key file");
    Ok(Keyring::new(key, vec![]))
}

/// Loads the keys and takes this instance's lease.
pub async fn load_and_lease(
    settings: &Settings,
    db: &Database,
) -> Result<(Keyring, InstanceLease), DomainError> {
    let keyring = load(settings, db).await?;
    let lease = InstanceLease::acquire(db, &keyring).await?;
    Ok((keyring.sealing_while(lease.clock()), lease))
}

/// Renews the lease until `stop` resolves, then releases it. Returns early
/// (and the caller stops serving) only when the lease was lost and this
/// instance's keys no longer fit the others'.
pub async fn keep_lease(
    lease: InstanceLease,
    keyring: std::sync::Arc<Keyring>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), DomainError> {
    let renewals = async {
        let mut tick = tokio::time::interval(RENEW_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            match lease.renew(&keyring).await {
                Ok(()) => {}
                Err(err @ DomainError::Crypto(_)) => return err,
                Err(err) => tracing::warn!(error = %err, "could not renew the instance lease"),
            }
        }
    };
    tokio::select! {
        err = renewals => Err(err),
        () = stop => lease.release().await,
    }
}

/// The new key for `rotate-key`, as the operator supplied it.
fn supplied_new_key(settings: &Settings) -> Result<Option<MasterKey>, DomainError> {
    if let Some(path) = &settings.new_master_key_file {
        // A new key others can read is as exposed as a stored secret would be.
        crypto::check_owner_only(path)?;
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            CryptoError::KeyFile {
                path: path.display().to_string(),
                reason: e.to_string(),
            }
        })?);
        return Ok(Some(MasterKey::from_base64(&text)?));
    }
    Ok(settings
        .new_master_key
        .as_deref()
        .map(MasterKey::from_base64)
        .transpose()?)
}

/// `potions rotate-key`: re-encrypts everything under the new key. The new
/// key is stored (key file) or was supplied by the operator before anything
/// is committed, and it is never printed.
pub async fn rotate(settings: &Settings, db: &Database) -> Result<String, DomainError> {
    let old = load(settings, db).await?;
    let uses_key_file = settings.master_key.is_none();
    let new_key = match (supplied_new_key(settings)?, uses_key_file) {
        (Some(key), _) => key,
        (None, true) => MasterKey::generate(),
        (None, false) => return Err(CryptoError::NewKeyNotSupplied.into()),
    };
    let new_id = new_key.id().to_string();
    let path = crypto::key_file_path(&settings.data_dir);
    if uses_key_file {
        // The new key beside the old ones before any secret changes: a crash
        // at any moment leaves every secret readable.
        let mut keys = vec![&new_key];
        keys.extend(old.keys().iter().filter(|k| k.id() != new_id));
        crypto::write_key_file(&path, &keys)?;
    }
    let (rotated, report) = match secrets::rotate(db, &old, new_key).await {
        Ok(done) => done,
        Err(refused @ DomainError::Crypto(CryptoError::RotationWhileInstancesLackKey { .. })) => {
            // Refused before any change: the key file goes back to the old keys,
            // so instances starting next still agree with the running ones.
            if uses_key_file {
                crypto::write_key_file(&path, &old.keys().iter().collect::<Vec<_>>())?;
            }
            return Err(refused);
        }
        Err(err) => return Err(err),
    };
    let mut summary = format!(
        "Re-encrypted {} provider token(s) and {} SSH private key(s) under master key {new_id} (was {}).",
        report.tokens,
        report.ssh_keys,
        old.current().id()
    );
    if uses_key_file {
        crypto::write_key_file(&path, &[rotated.current()])?;
        summary.push_str(&format!(
            "\nThe key file {} now holds only the new key.",
            path.display()
        ));
    } else {
        summary.push_str(&format!(
            "\nSet POTIONS_MASTER_KEY to the new key {new_id} alone before instances next start: \
             no stored secret needs the old keys any more."
        ));
    }
    Ok(summary)
}
