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
    let token = connections.token(&owner.id, &connection.id).await.unwrap();

    connections
        .note_failure(&other.id, &connection.id, &token, &rejected)
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

    // A failure seen with a token replaced meanwhile says nothing of the
    // new one: the connection stays connected.
    let replacement = fake.add_token(&project, hetzner_fake::Permission::ReadWrite);
    connections
        .replace_token(&owner.id, &connection.id, &replacement)
        .await
        .unwrap();
    connections
        .note_failure(&owner.id, &connection.id, &token, &rejected)
        .await
        .unwrap();
    let status_of = |connections: &Connections| {
        let connections = connections.clone();
        let (owner, id) = (owner.id.clone(), connection.id.clone());
        async move { connections.get(&owner, &id).await.unwrap().status }
    };
    assert_eq!(
        status_of(&connections).await,
        ConnectionStatus::Connected,
        "a failure of the replaced token marked the new one"
    );

    let current = connections.token(&owner.id, &connection.id).await.unwrap();
    connections
        .note_failure(&owner.id, &connection.id, &current, &rejected)
        .await
        .unwrap();
    assert_eq!(
        status_of(&connections).await,
        ConnectionStatus::NeedsAttention
    );
    drop(fake);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn rand_suffix() -> String {
    domain::db::new_id().to_lowercase()
}
