#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! Every write to a connection names its owner: another user's id changes
//! nothing, even when a caller forgot to check ownership first.

use domain::accounts::Accounts;
use domain::activity::RequestInfo;
use domain::connections::{ConnectionStatus, Connections};
use domain::crypto::{Keyring, MasterKey};
use domain::providers::hetzner::{ClientConfig, ErrorKind, HetznerClient, HetznerError};
use domain::Database;
use hetzner_fake::{FakeConfig, FakeHetzner};
use std::sync::Arc;

#[tokio::test]
async fn a_rejected_token_is_only_noted_by_its_owner() {
    let fake = FakeHetzner::start(FakeConfig::default()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("potions-owner-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("p.db").display());
    let db = Database::connect(&url).await.unwrap();
    let accounts = Accounts::new(db.clone());
    let owner = accounts
        .sign_up("owner@example.com", "correct horse", "192.0.2.1")
        .await
        .unwrap();
    let other = accounts
        .sign_up("other@example.com", "correct horse", "192.0.2.1")
        .await
        .unwrap();
    let client = HetznerClient::new(ClientConfig {
        base_url: fake.base_url(),
        ..ClientConfig::default()
    })
    .unwrap();
    let keyring = Arc::new(Keyring::new(MasterKey::generate(), vec![]));
    let connections = Connections::new(db, keyring, client);
    let project = fake.add_project("owned");
    let connection = connections
        .connect(
            &owner.id,
            "Owned",
            &project.read_write_token,
            &RequestInfo::default(),
        )
        .await
        .unwrap();
    let rejected = HetznerError::new(ErrorKind::Unauthorized);

    connections
        .note_failure(&other.id, &connection.id, &rejected)
        .await
        .unwrap();
    let status = connections
        .get(&owner.id, &connection.id)
        .await
        .unwrap()
        .status;
    assert_eq!(
        status,
        ConnectionStatus::Connected,
        "another user's id changed the row"
    );

    connections
        .note_failure(&owner.id, &connection.id, &rejected)
        .await
        .unwrap();
    let status = connections
        .get(&owner.id, &connection.id)
        .await
        .unwrap()
        .status;
    assert_eq!(status, ConnectionStatus::NeedsAttention);
    drop(fake);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn rand_suffix() -> String {
    domain::db::new_id().to_lowercase()
}
