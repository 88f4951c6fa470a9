//! Master keys: start is refused when stored secrets need a key that is not
//! loaded, and `rotate-key` moves every secret to a new key.

use crate::support::{path_of, test_settings, Backend, RecheckConnection, TestApp};
use domain::crypto::{self, MasterKey};
use server::config::Settings;
use server::{keys, open_database, Server};

fn settings_of(app: &TestApp) -> Settings {
    let mut settings = test_settings(app.data_dir.path(), &app.fake);
    settings.database_url = Some(app.database_url.clone());
    settings
}

async fn app_with_a_connection() -> (TestApp, String, String) {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    (app, cookie, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_is_refused_when_a_needed_key_is_missing() {
    let (app, _, _) = app_with_a_connection().await;
    let settings = settings_of(&app);
    let key_file = crypto::key_file_path(&settings.data_dir);
    let key_id = crypto::read_key_file(&key_file)
        .unwrap()
        .unwrap()
        .current()
        .id()
        .to_string();

    let mut other_key = settings.clone();
    other_key.master_key = Some(MasterKey::generate().to_base64().to_string());
    let err = Server::bind(&other_key)
        .await
        .err()
        .expect("refused with another key")
        .to_string();
    assert!(err.contains(&key_id), "names the missing key: {err}");

    std::fs::rename(&key_file, key_file.with_extension("moved")).unwrap();
    let err = Server::bind(&settings)
        .await
        .err()
        .expect("refused without the key file")
        .to_string();
    assert!(err.contains(&key_id), "{err}");
    assert!(
        !key_file.exists(),
        "never writes a new key over existing data"
    );

    std::fs::rename(key_file.with_extension("moved"), &key_file).unwrap();
    assert!(
        Server::bind(&settings).await.is_ok(),
        "starts again with its key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_key_re_encrypts_everything_under_the_new_key_only() {
    let (app, cookie, id) = app_with_a_connection().await;
    let settings = settings_of(&app);
    let key_file = crypto::key_file_path(&settings.data_dir);
    let old = crypto::read_key_file(&key_file).unwrap().unwrap();
    let old_id = old.current().id().to_string();

    let db = open_database(&settings).await.unwrap();
    let summary = keys::rotate(&settings, &db).await.unwrap();
    assert!(
        summary.contains("Re-encrypted 1 provider token(s) and 1 SSH private key(s)"),
        "{summary}"
    );

    let new = crypto::read_key_file(&key_file).unwrap().unwrap();
    assert_ne!(new.current().id(), old_id);
    assert!(!new.has(&old_id), "the old key is retired");
    let ids = domain::secrets::required_key_ids(&db).await.unwrap();
    assert_eq!(ids, vec![new.current().id().to_string()]);
    assert!(
        domain::secrets::check_keyring(&db, &old).await.is_err(),
        "the old key opens nothing now"
    );

    // A server with only the new key decrypts the token and re-checks it.
    let second = Server::bind(&settings)
        .await
        .expect("starts with the new key");
    let base = format!("http://{}", second.local_addr());
    tokio::spawn(second.run(std::future::pending()));
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}{}", path_of::<RecheckConnection>()))
        .header("cookie", &cookie)
        .header("origin", &base)
        .header("accept", "application/json")
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success(),
        "re-check with the rotated key: {}",
        res.status()
    );
}
