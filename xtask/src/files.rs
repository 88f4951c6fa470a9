//! The one walk over the repository's files that the checks and the build
//! fingerprint share.

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, skipping entries with a name in `skip`.
pub fn files_under(dir: &Path, skip: &[&str], found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if skip.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, skip, found);
        } else {
            found.push(path);
        }
    }
}
