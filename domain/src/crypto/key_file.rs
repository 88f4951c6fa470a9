//! The key file: the master keys on disk, readable by the owner only.

use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

use super::{CryptoError, Keyring, MasterKey};

/// The key file: one base64 key per line, the current key first.
pub fn key_file_path(data_dir: &Path) -> PathBuf {
    data_dir.join("master.key")
}

fn key_file_error(path: &Path, reason: impl Into<String>) -> CryptoError {
    CryptoError::KeyFile {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// The keys open every stored secret: a key file that other local users can
/// read is refused rather than used.
#[cfg(unix)]
pub fn check_owner_only(path: &Path) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| key_file_error(path, e.to_string()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(key_file_error(
            path,
            format!(
                "can be read by other users (mode {:o}); run `chmod 600 {}` and start again",
                mode & 0o777,
                path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_owner_only(_: &Path) -> Result<(), CryptoError> {
    Ok(())
}

pub fn read_key_file(path: &Path) -> Result<Option<Keyring>, CryptoError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Zeroizing::new(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(key_file_error(path, err.to_string())),
    };
    check_owner_only(path)?;
    let mut keys = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(MasterKey::from_base64)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| key_file_error(path, "a line is not a 32-byte base64 key"))?;
    if keys.is_empty() {
        return Err(key_file_error(path, "holds no key"));
    }
    let current = keys.remove(0);
    Ok(Some(Keyring::new(current, keys)))
}

/// Writes keys (current first) to the key file, readable by the owner only.
/// A new temporary file (never one a crash left behind) is written, synced,
/// renamed over the key file, and the folder synced: after a crash the file
/// is either the old one or the new one, whole.
pub fn write_key_file(path: &Path, keys: &[&MasterKey]) -> Result<(), CryptoError> {
    let fail = |e: std::io::Error| key_file_error(path, e.to_string());
    let mut text = Zeroizing::new(String::from(
        "# Potions master keys: the first line seals, \
        every line opens. Keep this file secret and backed up.\n",
    ));
    for key in keys {
        text.push_str(&key.to_base64());
        text.push('\n');
    }
    let tmp = path.with_extension("key.tmp");
    match std::fs::remove_file(&tmp) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(fail(err)),
        _ => {}
    }
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(fail)?;
        file.write_all(text.as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)?;
    sync_folder_of(path).map_err(fail)
}

/// Makes a rename in the folder durable.
fn sync_folder_of(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(folder)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("potions-keyfile-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }

    #[test]
    fn key_files_round_trip_with_owner_only_permissions() {
        let dir = temp_dir();
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

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir();
        let path = key_file_path(&dir);
        write_key_file(&path, &[&MasterKey::generate()]).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let refused = read_key_file(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(refused.contains("can be read by other users"), "{refused}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_temporary_file_left_by_a_crash_is_replaced() {
        let dir = temp_dir();
        let path = key_file_path(&dir);
        std::fs::write(path.with_extension("key.tmp"), "half a key").expect("stale");
        let key = MasterKey::generate();
        write_key_file(&path, &[&key]).expect("write over a stale temporary file");
        let ring = read_key_file(&path).expect("read").expect("keys");
        assert_eq!(ring.current().id(), key.id());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
