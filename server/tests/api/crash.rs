//! Crash safety: the real binary is killed with SIGKILL in the middle of
//! concurrent connects and disconnects, then restarted. Every acknowledged
//! connect is there and its token decrypts; nothing is half-written.

use crate::support::{
    form_post, path_of, ConnectHetzner, DisconnectConnection, RecheckConnection, SignUp,
};
use hetzner_fake::{FakeConfig, FakeHetzner};
use reqwest::{redirect, Client};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Potions {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(
    data: &std::path::Path,
    database_url: &str,
    key: &str,
    fake: &FakeHetzner,
) -> Potions {
    // The port is free when chosen, but a test beside this one can take it
    // before the binary binds it: an instance that exits at once is started
    // again on another port.
    for _ in 0..5 {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_potions"))
            .env("POTIONS_LISTEN", format!("127.0.0.1:{port}"))
            .env("POTIONS_DATA_DIR", data)
            .env("DATABASE_URL", database_url)
            .env("POTIONS_MASTER_KEY", key)
            .env("POTIONS_HETZNER_API_URL", fake.base_url())
            .env("POTIONS_TOKEN_CHECKS_PER_USER", "10000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Potions { child, base };
            }
            if child.try_wait().is_ok_and(|status| status.is_some()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("potions did not become healthy");
}

async fn post(
    client: &Client,
    base: &str,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Option<reqwest::Response> {
    form_post(client, base, path, "/", form, cookie)
        .send()
        .await
        .ok()
}

/// (session cookie, connection id, connected?) as the client last learned it.
type Outcome = (String, String, Option<bool>);

async fn crash_and_recover(backend: crate::support::Backend) {
    let database_url = match backend {
        crate::support::Backend::Postgres => {
            match crate::support::fresh_postgres_database().await {
                Some(url) => url,
                None => return,
            }
        }
        crate::support::Backend::Sqlite => String::new(),
    };
    let data = tempfile::tempdir().unwrap();
    let database_url = if database_url.is_empty() {
        format!(
            "sqlite://{}?mode=rwc",
            data.path().join("potions.db").display()
        )
    } else {
        database_url
    };
    let fake = FakeHetzner::start(FakeConfig::default()).await.unwrap();
    let key = domain::crypto::MasterKey::generate()
        .to_base64()
        .to_string();
    let mut potions = start(data.path(), &database_url, &key, &fake).await;
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let mut users = Vec::new();
    for n in 0..6 {
        let res = post(
            &client,
            &potions.base,
            path_of::<SignUp>(),
            &[
                ("email", &format!("u{n}@example.com")),
                ("password", crate::support::PASSWORD),
            ],
            None,
        )
        .await
        .unwrap();
        users.push(crate::support::session_cookie(res.headers()).unwrap());
    }
    // Acknowledged outcomes: (cookie, connection id, connected?), where `None`
    // is a disconnect sent but not acknowledged: it may or may not have happened.
    let acknowledged: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let workers = users.iter().enumerate().map(|(n, cookie)| {
        let (client, base, cookie, acknowledged) = (
            client.clone(),
            potions.base.clone(),
            cookie.clone(),
            acknowledged.clone(),
        );
        let projects: Vec<_> = (0..40)
            .map(|i| fake.add_project(&format!("u{n}-p{i}")))
            .collect();
        async move {
            for (i, project) in projects.iter().enumerate() {
                let Some(res) = post(
                    &client,
                    &base,
                    path_of::<ConnectHetzner>(),
                    &[("label", "crash"), ("token", &project.read_write_token)],
                    Some(&cookie),
                )
                .await
                else {
                    return;
                };
                let Some(id) = crate::support::location(&res)
                    .strip_prefix("/?connected=")
                    .map(str::to_string)
                else {
                    continue;
                };
                acknowledged
                    .lock()
                    .unwrap()
                    .push((cookie.clone(), id.clone(), Some(true)));
                if i % 3 == 0 {
                    let mark = |state: Option<bool>| {
                        acknowledged
                            .lock()
                            .unwrap()
                            .iter_mut()
                            .filter(|(_, c, _)| *c == id)
                            .for_each(|a| a.2 = state);
                    };
                    mark(None);
                    let Some(res) = post(
                        &client,
                        &base,
                        path_of::<DisconnectConnection>(),
                        &[("id", &id)],
                        Some(&cookie),
                    )
                    .await
                    else {
                        return;
                    };
                    if crate::support::location(&res) == "/account?disconnected=1" {
                        mark(Some(false));
                    }
                }
            }
        }
    });
    let load = futures::future::join_all(workers);
    let kill_after = async {
        // Kill once some work is acknowledged, in the middle of more.
        let deadline = Instant::now() + Duration::from_secs(20);
        while acknowledged.lock().unwrap().len() < 20 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        potions.child.kill().unwrap(); // SIGKILL
        potions.child.wait().unwrap();
    };
    tokio::join!(load, kill_after);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 20, "the load ran before the kill");

    let restarted = start(data.path(), &database_url, &key, &fake).await;
    for (cookie, id, connected) in &acknowledged {
        let Some(connected) = connected else { continue };
        let res = post(
            &client,
            &restarted.base,
            path_of::<RecheckConnection>(),
            &[("id", id)],
            Some(cookie),
        )
        .await
        .unwrap();
        let to = crate::support::location(&res);
        if *connected {
            assert!(
                !to.contains("__err"),
                "an acknowledged connect survived and its token decrypts: {to}"
            );
        } else {
            assert!(
                to.contains("__err"),
                "an acknowledged disconnect stayed done"
            );
        }
    }
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&database_url)
        .await
        .unwrap();
    let (broken,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM connections WHERE token_ciphertext = '' OR token_nonce = '' OR token_key_id = '' \
         OR user_id NOT IN (SELECT user_id FROM user_ssh_keys)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        broken, 0,
        "no connection without its ciphertext or key pair"
    );
    let mut restarted = restarted;
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_survives_sigkill_mid_load() {
    crash_and_recover(crate::support::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_survives_sigkill_mid_load() {
    crash_and_recover(crate::support::Backend::Postgres).await;
}
