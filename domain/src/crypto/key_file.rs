//! The key file: the master keys on disk, readable by the owner only.

use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

use super::{CryptoError, Keyring, MasterKey};

/// The key file: one base64 key per line, the current key first.
pub fn key_file_path(data_dir: &Path) -> PathBuf {
    data_dir.join("master.key")
}

pub fn read_key_file(path: &Path) -> Result<Option<Keyring>, CryptoError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Zeroizing::new(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(CryptoError::KeyFile {
                path: path.display().to_string(),
                reason: err.to_string(),
            })
        }
    };
    let mut keys = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(MasterKey::from_base64)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CryptoError::KeyFile {
            path: path.display().to_string(),
            reason: "a line is not a 32-byte base64 key".into(),
        })?;
    if keys.is_empty() {
        return Err(CryptoError::KeyFile {
            path: path.display().to_string(),
            reason: "holds no key".into(),
        });
    }
    let current = keys.remove(0);
    Ok(Some(Keyring::new(current, keys)))
}

/// Writes keys (current first) to the key file, readable by the owner only.
/// Writes a temporary file and renames it, so a crash never leaves half a file.
pub fn write_key_file(path: &Path, keys: &[&MasterKey]) -> Result<(), CryptoError> {
    let fail = |reason: String| CryptoError::KeyFile {
        path: path.display().to_string(),
        reason,
    };
    let mut text = Zeroizing::new(String::from(
        "# Potions master keys: the first line seals, \
        every line opens. Keep this file secret and backed up.\n",
    ));
    for key in keys {
        text.push_str(&key.to_base64());
        text.push('\n');
    }
    let tmp = path.with_extension("key.tmp");
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(|e| fail(e.to_string()))?;
        file.write_all(text.as_bytes())
            .map_err(|e| fail(e.to_string()))?;
        file.sync_all().map_err(|e| fail(e.to_string()))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_with_owner_only_permissions() {
        let dir = std::env::temp_dir().join(format!("potions-keyfile-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = key_file_path(&dir);
        assert!(read_key_file(&path).expect("read").is_none());
        let (k1, k2) = (MasterKey::generate(), MasterKey::generate());
        write_key_file(&path, &[&k1, &k2]).expect("write");
        let ring = read_key_file(&path).expect("read").expect("keys");
        assert_eq!(ring.current().id(), k1.id());
        assert!(ring.has(k2.id()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
