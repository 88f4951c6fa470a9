//! Master keys: start is refused when stored secrets need a key that is not
//! loaded, and `rotate-key` moves every secret to a new key without ever
//! leaving one unreadable: not beside running instances, not when killed.

use crate::support::{location, path_of, test_settings, Backend, RecheckConnection, TestApp};
use domain::crypto::{self, Binding, Keyring, MasterKey, Purpose, Sealed};
use domain::Database;
use server::config::Settings;
use server::{keys, open_database, Server};
use std::time::{Duration, Instant};

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

/// Opens every stored secret with `keyring`; returns how many it opened.
async fn open_every_secret(db: &Database, keyring: &Keyring) -> usize {
    let tokens: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT user_id, id, token_key_id, token_nonce, token_ciphertext FROM connections",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT user_id, user_id, private_key_id, private_nonce, private_ciphertext \
         FROM user_ssh_keys",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let totp: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT user_id, user_id, secret_key_id, secret_nonce, secret_ciphertext \
         FROM totp_factors",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let sealed = tokens
        .into_iter()
        .map(|row| (row, Purpose::HetznerToken))
        .chain(keys.into_iter().map(|row| (row, Purpose::SshPrivateKey)))
        .chain(totp.into_iter().map(|row| (row, Purpose::TotpSecret)));
    let mut opened = 0;
    for ((owner_id, row_id, key_id, nonce, ciphertext), purpose) in sealed {
        let binding = Binding {
            owner_id: &owner_id,
            row_id: &row_id,
            purpose,
        };
        let sealed = Sealed {
            key_id,
            nonce,
            ciphertext,
        };
        keyring
            .open(&sealed, binding)
            .unwrap_or_else(|e| panic!("{row_id} does not decrypt: {e}"));
        opened += 1;
    }
    opened
}

async fn key_file_rotation_is_refused_while_an_instance_serves(mut app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    let settings = settings_of(&app);
    let key_file = crypto::key_file_path(&settings.data_dir);
    let old = crypto::read_key_file(&key_file).unwrap().unwrap();
    let old_id = old.current().id().to_string();
    let db = open_database(&settings).await.unwrap();

    let refused = keys::rotate(&settings, &db).await.unwrap_err().to_string();
    assert!(refused.contains("1 running Potions instance"), "{refused}");
    let after = crypto::read_key_file(&key_file).unwrap().unwrap();
    assert_eq!(after.keys().len(), 1, "the key file is as it was");
    assert_eq!(after.current().id(), old_id);
    assert_eq!(
        domain::crypto::stored_keys::required_key_ids(db.pool())
            .await
            .unwrap(),
        vec![old_id.clone()]
    );

    app.stop().await;
    let summary = keys::rotate(&settings, &db).await.unwrap();
    assert!(
        summary.contains("Re-encrypted 1 provider token(s) and 1 SSH private key(s)"),
        "{summary}"
    );
    let new = crypto::read_key_file(&key_file).unwrap().unwrap();
    assert_ne!(new.current().id(), old_id);
    assert!(!new.has(&old_id), "the old key is retired");
    assert_eq!(
        domain::crypto::stored_keys::required_key_ids(db.pool())
            .await
            .unwrap(),
        vec![new.current().id().to_string()]
    );
    assert!(
        domain::crypto::stored_keys::check_keyring(db.pool(), &old)
            .await
            .is_err(),
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

/// The error a no-JavaScript form redirect carries (`__err`, base64 JSON).
fn error_in(redirect: &str) -> String {
    use base64::Engine as _;
    let encoded = redirect
        .split("__err=")
        .nth(1)
        .unwrap_or_default()
        .replace("%3D", "=");
    let decoded = base64::engine::general_purpose::URL_SAFE
        .decode(&encoded)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(&encoded))
        .unwrap_or_default();
    String::from_utf8(decoded).unwrap_or_default()
}

fn keys_env(keys: &[&MasterKey]) -> String {
    keys.iter()
        .map(|k| k.to_base64().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Instance A holds the new key as a second key and keeps connecting tokens
/// (sealing with the old key) while the rotation runs. Afterwards every
/// token opens with old+new, every token is still found as a duplicate by A
/// and by an instance sealing with the new key, an instance with the new key
/// alone is refused until a second rotation, and then starts.
async fn rotation_beside_an_instance_that_connects_tokens(backend: Backend) {
    let (old, new) = (MasterKey::generate(), MasterKey::generate());
    let old_then_new = keys_env(&[&old, &new]);
    let Some(mut a) =
        TestApp::spawn_with(backend, |s| s.master_key = Some(old_then_new.clone())).await
    else {
        return;
    };
    let cookie = a.sign_up("ada@example.com").await;
    // A TOTP secret being set up is sealed too, and rotates with the rest.
    let begin = crate::support::BeginTotp {
        password: crate::support::PASSWORD.into(),
    };
    a.invoke(begin, &cookie).await.ok();
    let projects: Vec<_> = (0..25)
        .map(|i| a.fake.add_project(&format!("p{i}")))
        .collect();
    for project in &projects[..8] {
        a.connect_ok(&cookie, "before", &project.read_write_token)
            .await;
    }

    let mut rotation = settings_of(&a);
    rotation.master_key = Some(old_then_new.clone());
    rotation.new_master_key = Some(new.to_base64().to_string());
    let db = open_database(&rotation).await.unwrap();
    let connecting = async {
        for project in &projects[8..24] {
            a.connect_ok(&cookie, "during", &project.read_write_token)
                .await;
        }
    };
    let rotating = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        keys::rotate(&rotation, &db)
            .await
            .expect("rotation beside A")
    };
    let ((), summary) = tokio::join!(connecting, rotating);
    assert!(
        !summary.contains(new.to_base64().as_str()),
        "the key is never printed"
    );
    // A still seals with the old key after the rotation.
    a.connect_ok(&cookie, "after", &projects[24].read_write_token)
        .await;

    let both = Keyring::new(
        MasterKey::from_base64(&new.to_base64()).unwrap(),
        vec![MasterKey::from_base64(&old.to_base64()).unwrap()],
    );
    assert_eq!(
        open_every_secret(&db, &both).await,
        25 + 2,
        "25 tokens, the SSH key and the TOTP secret"
    );

    let mut b_settings = settings_of(&a);
    b_settings.master_key = Some(keys_env(&[&new, &old]));
    let b = Server::bind(&b_settings)
        .await
        .expect("B seals with the new key");
    let b_base = format!("http://{}", b.local_addr());
    tokio::spawn(b.run(std::future::pending()));
    for (n, project) in projects.iter().enumerate() {
        let base = if n % 2 == 0 { &a.base_url } else { &b_base };
        let res = crate::support::form_post(
            &a.client,
            base,
            path_of::<crate::support::ConnectHetzner>(),
            "/connect/hetzner",
            &[("label", "again"), ("token", &project.read_write_token)],
            Some(&cookie),
        )
        .send()
        .await
        .unwrap();
        assert!(
            error_in(&location(&res)).contains("AlreadyConnected"),
            "token {n} is found as a duplicate: {}",
            location(&res)
        );
    }
    assert_eq!(a.count("SELECT COUNT(*) FROM connections").await, 25);

    // Without the old key, start is refused while a secret needs it.
    a.stop().await;
    let mut new_only = settings_of(&a);
    new_only.master_key = Some(keys_env(&[&new]));
    let refused = Server::bind(&new_only)
        .await
        .err()
        .expect("the old key is still needed");
    assert!(refused.to_string().contains(old.id()), "{refused}");
    let mut again = rotation.clone();
    again.master_key = Some(keys_env(&[&new, &old]));
    keys::rotate(&again, &db).await.expect("second rotation");
    assert_eq!(
        domain::crypto::stored_keys::required_key_ids(db.pool())
            .await
            .unwrap(),
        vec![new.id().to_string()]
    );
    Server::bind(&new_only)
        .await
        .expect("no secret needs the old key now");
}

async fn an_instance_with_another_sealing_key_is_refused(app: TestApp) {
    // `app` seals with its key file's key; one sealing with a key `app` lacks
    // would write secrets `app` cannot open.
    let settings = settings_of(&app);
    let current = crypto::read_key_file(&crypto::key_file_path(&settings.data_dir))
        .unwrap()
        .unwrap();
    let stranger = MasterKey::generate();
    let mut other = settings.clone();
    other.master_key = Some(keys_env(&[&stranger, current.current()]));
    let refused = Server::bind(&other)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(refused.contains(stranger.id()), "{refused}");
    // Holding `app`'s key as the sealing one and the stranger as a spare is fine.
    other.master_key = Some(keys_env(&[current.current(), &stranger]));
    Server::bind(&other).await.expect("same sealing key");
}

on_both_databases!(
    key_file_rotation_is_refused_while_an_instance_serves,
    an_instance_with_another_sealing_key_is_refused,
);

/// Many sealed rows, so a rotation takes long enough to be killed inside it.
async fn seed_secrets(db: &Database, keyring: &Keyring, count: usize) {
    let user = "seed-user";
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, 'x', 0)")
        .bind(user)
        .bind("seed@example.com")
        .execute(db.pool())
        .await
        .unwrap();
    for n in 0..count {
        let id = format!("seed-{n}");
        let binding = Binding {
            owner_id: user,
            row_id: &id,
            purpose: Purpose::HetznerToken,
        };
        let sealed = keyring
            .seal(format!("token-{n:058}").as_bytes(), binding)
            .unwrap();
        sqlx::query(
            "INSERT INTO connections (id, user_id, provider, label, token_hmac, token_key_id, \
             token_nonce, token_ciphertext, ssh_key_id, status, connected_at, last_verified_at) \
             VALUES ($1, $2, 'hetzner', 'seed', $3, $4, $5, $6, 1, 'connected', 0, 0)",
        )
        .bind(&id)
        .bind(user)
        .bind(keyring.token_fingerprint(&id))
        .bind(&sealed.key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(db.pool())
        .await
        .unwrap();
    }
}

/// `rotate-key` (the real binary) is killed with SIGKILL once it has written
/// the new key beside the old one, in the middle of re-encrypting. The next
/// start succeeds and every secret opens with the key file.
async fn killed_rotation_loses_nothing(backend: Backend) {
    let data = tempfile::tempdir().unwrap();
    let database_url = match backend {
        Backend::Postgres => match crate::support::fresh_postgres_database().await {
            Some(url) => url,
            None => return,
        },
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            data.path().join("potions.db").display()
        ),
    };
    let fake = hetzner_fake::FakeHetzner::start(hetzner_fake::FakeConfig::default())
        .await
        .unwrap();
    let mut settings = test_settings(data.path(), &fake);
    settings.database_url = Some(database_url.clone());
    let db = open_database(&settings).await.unwrap();
    let keyring = keys::load(&settings, &db).await.unwrap();
    seed_secrets(&db, &keyring, 3000).await;
    let key_file = crypto::key_file_path(data.path());

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_potions"))
        .arg("rotate-key")
        .env("POTIONS_DATA_DIR", data.path())
        .env("DATABASE_URL", &database_url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut saw_both_keys = false;
    while Instant::now() < deadline {
        if crypto::read_key_file(&key_file)
            .is_ok_and(|ring| ring.is_some_and(|r| r.keys().len() == 2))
        {
            saw_both_keys = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        saw_both_keys,
        "rotate-key was killed while it held both keys"
    );

    let after = crypto::read_key_file(&key_file).unwrap().unwrap();
    let reopened = open_database(&settings).await.unwrap();
    assert_eq!(open_every_secret(&reopened, &after).await, 3000);
    // Rotating again completes, and Potions starts with the key file.
    keys::rotate(&settings, &reopened)
        .await
        .expect("rotation after the kill");
    let last = crypto::read_key_file(&key_file).unwrap().unwrap();
    assert_eq!(open_every_secret(&reopened, &last).await, 3000);
    Server::bind(&settings)
        .await
        .expect("starts after the killed rotation");
}

on_both_backends!(
    rotation_beside_an_instance_that_connects_tokens,
    killed_rotation_loses_nothing,
);

/// A new key file others can read is refused, as the key file is; readable by
/// its owner alone, it is used.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let (mut app, _, _) = app_with_a_connection().await;
    app.stop().await;
    let mut settings = settings_of(&app);
    settings.master_key = Some(
        crypto::read_key_file(&crypto::key_file_path(&settings.data_dir))
            .unwrap()
            .unwrap()
            .current()
            .to_base64()
            .to_string(),
    );
    let new_key = MasterKey::generate();
    let path = app.data_dir.path().join("new.key");
    std::fs::write(&path, new_key.to_base64().as_bytes()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    settings.new_master_key_file = Some(path.clone());
    let db = open_database(&settings).await.unwrap();
    let refused = keys::rotate(&settings, &db).await.unwrap_err().to_string();
    assert!(refused.contains("can be read by other users"), "{refused}");
    assert_eq!(
        domain::crypto::stored_keys::required_key_ids(db.pool())
            .await
            .unwrap(),
        vec![
            MasterKey::from_base64(settings.master_key.as_deref().unwrap())
                .unwrap()
                .id()
                .to_string()
        ],
        "nothing was re-sealed"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    keys::rotate(&settings, &db)
        .await
        .expect("an owner-only key file is used");
    assert_eq!(
        domain::crypto::stored_keys::required_key_ids(db.pool())
            .await
            .unwrap(),
        vec![new_key.id().to_string()]
    );
}

fn seal_for(keyring: &Keyring, row_id: &str, purpose: Purpose, plain: &str) -> Sealed {
    let binding = Binding {
        owner_id: "seed-user",
        row_id,
        purpose,
    };
    keyring.seal(plain.as_bytes(), binding).unwrap()
}

fn open_for(keyring: &Keyring, row_id: &str, purpose: Purpose, sealed: Sealed) -> String {
    let binding = Binding {
        owner_id: "seed-user",
        row_id,
        purpose,
    };
    String::from_utf8(keyring.open(&sealed, binding).unwrap().to_vec()).unwrap()
}

/// PostgreSQL: a Hetzner token replaced and a DigitalOcean refresh stored
/// while `rotate-key` runs (their transaction holds the rows when the rotation
/// reaches them) are kept: the rotation re-seals what they wrote, and nothing
/// is overwritten with the old value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_racing_a_rotation_are_kept() {
    let data = tempfile::tempdir().unwrap();
    let database_url = crate::support::fresh_postgres_database()
        .await
        .expect("this test needs PostgreSQL");
    let fake = hetzner_fake::FakeHetzner::start(hetzner_fake::FakeConfig::default())
        .await
        .unwrap();
    let (old, new) = (MasterKey::generate(), MasterKey::generate());
    let mut settings = test_settings(data.path(), &fake);
    settings.database_url = Some(database_url);
    settings.master_key = Some(keys_env(&[&old]));
    let db = open_database(&settings).await.unwrap();
    let keyring = keys::load(&settings, &db).await.unwrap();
    seed_secrets(&db, &keyring, 1).await;
    let access = seal_for(
        &keyring,
        "seed-do",
        Purpose::DigitalOceanAccessToken,
        "doo_v1_old",
    );
    let refresh = seal_for(
        &keyring,
        "seed-do",
        Purpose::DigitalOceanRefreshToken,
        "dor_v1_old",
    );
    sqlx::query(
        "INSERT INTO connections (id, user_id, provider, label, token_hmac, token_key_id, \
         token_nonce, token_ciphertext, refresh_key_id, refresh_nonce, refresh_ciphertext, \
         team_uuid, ssh_key_id, status, connected_at, last_verified_at) VALUES ('seed-do', \
         'seed-user', 'digitalocean', 'team', 'hmac', $1, $2, $3, $4, $5, $6, 'team-1', 1, \
         'connected', 0, 0)",
    )
    .bind(&access.key_id)
    .bind(&access.nonce)
    .bind(&access.ciphertext)
    .bind(&refresh.key_id)
    .bind(&refresh.nonce)
    .bind(&refresh.ciphertext)
    .execute(db.pool())
    .await
    .unwrap();

    // The writers: a token replaced, and a refresh's new pair.
    let replaced = seal_for(&keyring, "seed-0", Purpose::HetznerToken, "replaced-token");
    let new_access = seal_for(
        &keyring,
        "seed-do",
        Purpose::DigitalOceanAccessToken,
        "doo_v1_new",
    );
    let new_refresh = seal_for(
        &keyring,
        "seed-do",
        Purpose::DigitalOceanRefreshToken,
        "dor_v1_new",
    );
    let mut writer = db.pool().begin().await.unwrap();
    sqlx::query(
        "UPDATE connections SET token_key_id = $1, token_nonce = $2, token_ciphertext = $3 \
         WHERE id = 'seed-0'",
    )
    .bind(&replaced.key_id)
    .bind(&replaced.nonce)
    .bind(&replaced.ciphertext)
    .execute(&mut *writer)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE connections SET token_key_id = $1, token_nonce = $2, token_ciphertext = $3, \
         refresh_key_id = $4, refresh_nonce = $5, refresh_ciphertext = $6, \
         token_version = token_version + 1 WHERE id = 'seed-do'",
    )
    .bind(&new_access.key_id)
    .bind(&new_access.nonce)
    .bind(&new_access.ciphertext)
    .bind(&new_refresh.key_id)
    .bind(&new_refresh.nonce)
    .bind(&new_refresh.ciphertext)
    .execute(&mut *writer)
    .await
    .unwrap();

    let mut rotation = settings.clone();
    rotation.new_master_key = Some(new.to_base64().to_string());
    let rotating = tokio::spawn({
        let db = db.clone();
        async move { keys::rotate(&rotation, &db).await }
    });
    // The rotation reaches the rows the writers hold and waits for them.
    let waiting = "SELECT COUNT(*) FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    loop {
        let (count,): (i64,) = sqlx::query_as(waiting).fetch_one(db.pool()).await.unwrap();
        if count > 0 {
            break;
        }
        assert!(
            !rotating.is_finished(),
            "the rotation never met the writers' rows"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    writer.commit().await.unwrap();
    rotating.await.unwrap().expect("the rotation completes");

    let new_only = Keyring::new(MasterKey::from_base64(&new.to_base64()).unwrap(), vec![]);
    let stored = |columns: &'static str, id: &'static str| {
        let db = db.clone();
        async move {
            let (key_id, nonce, ciphertext): (String, String, String) =
                sqlx::query_as(&format!("SELECT {columns} FROM connections WHERE id = $1"))
                    .bind(id)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            Sealed {
                key_id,
                nonce,
                ciphertext,
            }
        }
    };
    let token = "token_key_id, token_nonce, token_ciphertext";
    let refresh = "refresh_key_id, refresh_nonce, refresh_ciphertext";
    let cases = [
        ("seed-0", token, Purpose::HetznerToken, "replaced-token"),
        (
            "seed-do",
            token,
            Purpose::DigitalOceanAccessToken,
            "doo_v1_new",
        ),
        (
            "seed-do",
            refresh,
            Purpose::DigitalOceanRefreshToken,
            "dor_v1_new",
        ),
    ];
    for (id, columns, purpose, written) in cases {
        let sealed = stored(columns, id).await;
        assert_eq!(sealed.key_id, new.id(), "{id}: sealed with the new key");
        assert_eq!(
            open_for(&new_only, id, purpose, sealed),
            written,
            "{id}: the write is kept"
        );
    }
}
