//! Opening the database: the data folder and a SQLite database's files are
//! their owner's alone, whatever the umask, then the migrations run.

use domain::Database;

use crate::config::Settings;
use crate::StartError;

/// A SQLite database's files (the database, its journal and shared memory)
/// named by a `sqlite:` URL; none for an in-memory one or another database.
fn sqlite_files(url: &str) -> Vec<std::path::PathBuf> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Vec::new();
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Vec::new();
    }
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| std::path::PathBuf::from(format!("{path}{suffix}")))
        .collect()
}

/// Sets a file's or folder's mode (Unix); elsewhere does nothing.
fn restrict(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Opens the database (creating the data folder for SQLite) and migrates it.
/// The data folder is its owner's alone (0700) before anything is written in
/// it, and a SQLite database's files are 0600 wherever its URL puts them,
/// whatever the umask.
pub async fn open_database(settings: &Settings) -> Result<Database, StartError> {
    let url = settings.database_url();
    let data_dir_error = |source| StartError::DataDir {
        path: settings.data_dir.display().to_string(),
        source,
    };
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).map_err(data_dir_error)?;
        restrict(&settings.data_dir, 0o700).map_err(data_dir_error)?;
    }
    let db = Database::connect(&url).await?;
    for file in sqlite_files(&url) {
        if file.exists() {
            restrict(&file, 0o600).map_err(|source| StartError::DataDir {
                path: file.display().to_string(),
                source,
            })?;
        }
    }
    Ok(db)
}
