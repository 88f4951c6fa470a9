//! What Potions leaves on disk is its owner's alone: the data folder 0700,
//! the embedded database and its journal 0600, the key file 0600, and a key
//! file that others can read refuses the start.

use hetzner_fake::{FakeConfig, FakeHetzner};
use server::Server;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::support::test_settings;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_and_its_files_are_the_owners_alone() {
    let fake = FakeHetzner::start(FakeConfig::default()).await.unwrap();
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let settings = test_settings(&data, &fake);
    let server = Server::bind(&settings).await.expect("starts");
    drop(server);
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&data.join("potions.db")), 0o600, "database");
    assert_eq!(mode(&data.join("master.key")), 0o600, "key file");
    if data.join("potions.db-wal").exists() {
        assert_eq!(mode(&data.join("potions.db-wal")), 0o600, "journal");
    }

    // Loosened by hand (or an old version): tightened again at start.
    set_mode(&data, 0o755);
    set_mode(&data.join("potions.db"), 0o644);
    let server = Server::bind(&settings).await.expect("starts again");
    drop(server);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("potions.db")), 0o600);

    // A key file others can read is not used: the start is refused and says why.
    set_mode(&data.join("master.key"), 0o644);
    let refused = Server::bind(&settings).await.err().map(|e| e.to_string());
    let refused = refused.expect("a readable key file must refuse the start");
    assert!(refused.contains("can be read by other users"), "{refused}");
}

/// A SQLite database put elsewhere by `DATABASE_URL` is its owner's alone too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_elsewhere_is_the_owners_alone_too() {
    let fake = FakeHetzner::start(FakeConfig::default()).await.unwrap();
    let root = tempfile::tempdir().unwrap();
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let database = elsewhere.join("custom.db");
    let mut settings = test_settings(&root.path().join("data"), &fake);
    settings.database_url = Some(format!("sqlite://{}?mode=rwc", database.display()));
    let server = Server::bind(&settings).await.expect("starts");
    drop(server);
    assert_eq!(mode(&database), 0o600, "database");
    set_mode(&database, 0o644);
    let server = Server::bind(&settings).await.expect("starts again");
    drop(server);
    assert_eq!(mode(&database), 0o600, "tightened again at start");
}
