//! After a connect and everything around it (project and SSH-key pages,
//! create and delete, a replacement token, Hetzner failing in every way, and
//! `rotate-key`), no token's plaintext, base64 or hex appears in any log
//! line, any response, or anywhere in the database (on PostgreSQL: every
//! column of every table). The same for DigitalOcean's tokens, codes and
//! Potions' client secret.

use crate::support::{
    path_of, AddSshKey, CreateServer, DeleteServer, ListSshKeys, LoadCreateServerChoices,
    LoadDashboard, LoadProject, ReadProvisioningProgress, RecheckConnection, ReplaceToken,
};
use crate::support::{Backend, DisconnectConnection, TestApp, WithDigitalOcean};
use base64::Engine as _;
use hetzner_fake::{Fault, FaultKind};
use std::sync::OnceLock;
use testkit::LogCapture;

/// Every log line of this test binary, at every level.
pub(crate) fn logs() -> &'static LogCapture {
    static LOGS: OnceLock<LogCapture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = LogCapture::default();
        tracing::subscriber::set_global_default(captured.subscriber())
            .expect("no other global subscriber");
        captured
    })
}

fn forms_of(token: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(token);
    let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token);
    let hex: String = token.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        token.to_string(),
        b64.trim_end_matches('=').to_string(),
        b64url,
        hex.clone(),
        hex.to_uppercase(),
    ]
}

pub(crate) async fn database_text(app: &TestApp, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => ["potions.db", "potions.db-wal"]
            .iter()
            .filter_map(|f| std::fs::read(app.data_dir.path().join(f)).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .collect(),
        Backend::Postgres => {
            let mut text = String::new();
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
            .fetch_all(&mut app.db().await)
            .await
            .unwrap();
            assert!(tables.len() >= 8, "every table: {tables:?}");
            for (table,) in tables {
                let rows: Vec<(String,)> =
                    sqlx::query_as(&format!("SELECT row_to_json(t)::text FROM {table} t"))
                        .fetch_all(&mut app.db().await)
                        .await
                        .unwrap();
                rows.into_iter().for_each(|(r,)| text.push_str(&r));
            }
            text
        }
    }
}

async fn no_token_anywhere(backend: Backend) {
    let logs = logs();
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let project = app.fake.add_project("leaks");
    let cookie = app.sign_up("ada@example.com").await;
    let mut seen = String::new();
    let keep = |res: reqwest::Response| async move {
        let headers = format!("{:?}", res.headers());
        headers + &res.text().await.unwrap_or_default()
    };
    seen += &keep(
        app.connect(&cookie, "Leak test", &project.read_only_token)
            .await,
    )
    .await;
    let res = app
        .connect(&cookie, "Leak test", &project.read_write_token)
        .await;
    let id = crate::support::location(&res)
        .trim_start_matches("/?connected=")
        .to_string();
    seen += &keep(res).await;
    seen += &keep(
        app.connect(&cookie, "Again", &project.read_write_token)
            .await,
    )
    .await;
    for path in [
        "/",
        "/account",
        &format!("/?connected={id}"),
        &format!("/account/connections/{id}/disconnect"),
        "/connect/hetzner",
    ] {
        seen += &keep(app.get(path, Some(&cookie)).await).await;
    }
    seen += &keep(recheck(&app, &cookie, &id).await).await;
    seen += &keep(
        app.post_form(path_of::<LoadDashboard>(), "/", &[], Some(&cookie))
            .await,
    )
    .await;
    seen += &around_a_project(&app, &cookie, &id).await;
    // A replacement token, then Hetzner failing in every way it can.
    let replacement = app.fake.add_project("replacement");
    seen += &keep(
        app.post_form(
            path_of::<ReplaceToken>(),
            &format!("/projects/{id}"),
            &[("id", &id), ("token", &replacement.read_write_token)],
            Some(&cookie),
        )
        .await,
    )
    .await;
    for kind in [
        FaultKind::Error {
            status: 500,
            code: "server_error".into(),
            message: "injected".into(),
        },
        FaultKind::Error {
            status: 429,
            code: "rate_limit_exceeded".into(),
            message: "injected".into(),
        },
        FaultKind::NotJson,
        FaultKind::Drop,
        FaultKind::Hang,
    ] {
        app.fake.inject(Fault::new(kind).times(3));
        seen += &keep(recheck(&app, &cookie, &id).await).await;
        seen += &keep(
            app.connect(&cookie, "Faulty", &project.read_only_token)
                .await,
        )
        .await;
    }
    // `rotate-key`, with no instance serving.
    app.stop().await;
    let mut settings = crate::support::test_settings(app.data_dir.path(), &app.fake);
    settings.database_url = Some(app.database_url.clone());
    let db = server::open_database(&settings).await.unwrap();
    seen += &server::keys::rotate(&settings, &db)
        .await
        .expect("rotate-key");

    assert!(seen.contains("Leak test"), "the flow ran");
    let database = database_text(&app, backend).await;
    assert!(database.contains("Leak test"), "the database was read");
    let log_text = logs.text();
    assert!(
        log_text.contains("hetzner project connected"),
        "logs were captured"
    );

    for token in [
        &project.read_write_token,
        &project.read_only_token,
        &replacement.read_write_token,
    ] {
        for form in forms_of(token) {
            assert!(
                !seen.contains(&form),
                "a response carried the token ({} chars)",
                form.len()
            );
            assert!(
                !database.contains(&form),
                "the database holds the token in the clear"
            );
            assert!(!log_text.contains(&form), "a log line holds the token");
        }
    }
}

async fn recheck(app: &TestApp, cookie: &str, id: &str) -> reqwest::Response {
    app.post_form(
        path_of::<RecheckConnection>(),
        "/account",
        &[("id", id)],
        Some(cookie),
    )
    .await
}

/// Every page and server function of a connected project, as text.
async fn around_a_project(app: &TestApp, cookie: &str, id: &str) -> String {
    let mut seen = String::new();
    for path in [
        format!("/projects/{id}"),
        format!("/projects/{id}/ssh-keys"),
    ] {
        let res = app.get(&path, Some(cookie)).await;
        seen += &format!("{:?}", res.headers());
        seen += &res.text().await.unwrap_or_default();
    }
    let calls: [(&str, Vec<(&str, &str)>); 6] = [
        (path_of::<LoadProject>(), vec![("id", id)]),
        (path_of::<LoadCreateServerChoices>(), vec![("id", id)]),
        (path_of::<ListSshKeys>(), vec![("id", id)]),
        (
            path_of::<AddSshKey>(),
            vec![
                ("id", id),
                ("name", "laptop"),
                (
                    "public_key",
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2Uta2V5LWZvci1sZWFrLXRlc3RzLTAwMDAw",
                ),
            ],
        ),
        (
            path_of::<CreateServer>(),
            vec![
                ("id", id),
                ("name", "leak-1"),
                ("location", "fsn1"),
                ("server_type", "cx22"),
                ("image", "161547269"),
            ],
        ),
        (
            path_of::<DeleteServer>(),
            vec![("id", id), ("server_id", "1"), ("confirm_name", "not-it")],
        ),
    ];
    for (endpoint, form) in calls {
        let (status, answer) = app.call(endpoint, &form, cookie).await;
        seen += &format!("{status} {answer}");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_logs_responses_or_sqlite() {
    no_token_anywhere(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_logs_responses_or_postgres() {
    no_token_anywhere(Backend::Postgres).await;
}

/// Every secret DigitalOcean's side of a flow involves: each grant's tokens
/// the fake issued, and Potions' client secret.
fn digitalocean_secrets(w: &WithDigitalOcean) -> Vec<String> {
    let state = w.fake.shared().lock();
    let mut secrets: Vec<String> = state
        .world
        .grants
        .iter()
        .flat_map(|g| [g.access.clone(), g.refresh.clone()])
        .collect();
    secrets.push(w.registered.client_secret.clone());
    secrets
}

/// Connect, reconnect, pages, re-checks with DigitalOcean failing, a refresh,
/// a denial, a disconnect that could not revoke, and `rotate-key`: no
/// DigitalOcean token, code or the client secret is in a response, a URL, a
/// log line or the database; after the rotation the connection still works.
async fn no_digitalocean_secret_anywhere(backend: Backend) {
    let logs = logs();
    let Some(mut w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let mut seen = String::new();
    let mut codes = Vec::new();
    for team in ["Acme", "Acme", "Sammy's team"] {
        let authorize = w.start(&cookie, "", "").await;
        let back = w.consent(&authorize, team, true).await;
        codes.extend(
            back.split(['?', '&'])
                .filter_map(|p| p.strip_prefix("code="))
                .map(str::to_string),
        );
        seen += &authorize;
        seen += &w.arrive(&back, Some(&cookie)).await;
    }
    let dashboard = w.app.invoke(LoadDashboard {}, &cookie).await.ok();
    let ids: Vec<String> = dashboard.projects.into_iter().map(|c| c.id).collect();
    for path in [
        "/",
        "/account",
        "/connect/digitalocean",
        "/connect/digitalocean?outcome=denied",
    ] {
        seen += &w.app.page(path, &cookie).await;
    }
    for id in &ids {
        seen += &w.app.page(&format!("/projects/{id}"), &cookie).await;
        seen += &w
            .app
            .page(&format!("/account/connections/{id}/disconnect"), &cookie)
            .await;
        seen += &format!(
            "{:?}",
            w.app
                .call(path_of::<LoadProject>(), &[("id", id)], &cookie)
                .await
        );
    }
    let id = &ids[0];
    // Provisioning: the menus, a droplet created, followed and deleted, the team's keys.
    seen += &w
        .app
        .page(&format!("/projects/{id}/ssh-keys"), &cookie)
        .await;
    for (endpoint, form) in [
        (
            path_of::<LoadCreateServerChoices>(),
            vec![("id", id.as_str())],
        ),
        (
            path_of::<CreateServer>(),
            vec![
                ("id", id.as_str()),
                ("name", "leak-1"),
                ("location", "fra1"),
                ("server_type", "s-1vcpu-1gb"),
                ("image", "160000003"),
            ],
        ),
        (
            path_of::<ReadProvisioningProgress>(),
            vec![("id", id.as_str()), ("actions", "1")],
        ),
        (path_of::<ListSshKeys>(), vec![("id", id.as_str())]),
        (
            path_of::<DeleteServer>(),
            vec![
                ("id", id.as_str()),
                ("server_id", "1"),
                ("confirm_name", "leak-1"),
            ],
        ),
    ] {
        seen += &format!("{:?}", w.app.call(endpoint, &form, &cookie).await);
    }
    // A refresh, then DigitalOcean failing in every way on the API and the OAuth host.
    let due = format!(
        "UPDATE connections SET token_expires_at = {}",
        domain::clock::now_unix() + 60
    );
    sqlx::query(&due)
        .execute(&mut w.app.db().await)
        .await
        .unwrap();
    seen += &keep(recheck(&w.app, &cookie, id).await).await;
    for path in ["/v2/account", "/v1/oauth/token"] {
        for kind in [
            FaultKind::Error {
                status: 500,
                code: "server_error".into(),
                message: "injected".into(),
            },
            FaultKind::Error {
                status: 401,
                code: "unauthorized".into(),
                message: "injected".into(),
            },
            FaultKind::NotJson,
            FaultKind::Drop,
        ] {
            sqlx::query(&due)
                .execute(&mut w.app.db().await)
                .await
                .unwrap();
            w.fake
                .inject(digitalocean_fake::Fault::new(kind).on("", path));
            seen += &keep(recheck(&w.app, &cookie, id).await).await;
            w.fake.clear_faults();
        }
    }
    let denied = w
        .consent(&w.start(&cookie, "", "").await, "Acme", false)
        .await;
    seen += &w.arrive(&denied, Some(&cookie)).await;
    w.fake.inject(
        digitalocean_fake::Fault::error(500, "server_error").on("POST", "/v1/oauth/revoke"),
    );
    seen += &keep(
        w.app
            .post_form(
                path_of::<DisconnectConnection>(),
                "/account",
                &[("id", &ids[1])],
                Some(&cookie),
            )
            .await,
    )
    .await;

    // `rotate-key` with no instance serving, then a new instance on the rotated key.
    w.app.stop().await;
    let mut settings = crate::support::test_settings(w.app.data_dir.path(), &w.app.fake);
    settings.database_url = Some(w.app.database_url.clone());
    WithDigitalOcean::configure(&mut settings, &w.fake, &w.registered);
    let db = server::open_database(&settings).await.unwrap();
    seen += &server::keys::rotate(&settings, &db)
        .await
        .expect("rotate-key");
    let restarted = server::Server::bind(&settings)
        .await
        .expect("starts on the rotated key");
    let base = format!("http://{}", restarted.local_addr());
    tokio::spawn(restarted.run(std::future::pending()));
    sqlx::query(&due)
        .execute(&mut w.app.db().await)
        .await
        .unwrap();
    let after = reqwest::Client::new()
        .post(format!("{base}{}", path_of::<RecheckConnection>()))
        .header("accept", "application/json")
        .header("origin", &base)
        .header("cookie", &cookie)
        .form(&[("id", id)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        reqwest::StatusCode::OK,
        "the rotated tokens open and refresh"
    );

    let database = database_text(&w.app, backend).await;
    assert!(database.contains(id.as_str()), "the database was read");
    let log_text = logs.text();
    assert!(
        log_text.contains("digitalocean team connected"),
        "logs were captured"
    );
    let secrets = digitalocean_secrets(&w);
    assert!(secrets.len() >= 8, "grants were issued: {}", secrets.len());
    for secret in secrets.iter().chain(&codes) {
        for form in forms_of(secret) {
            assert!(
                !seen.contains(&form),
                "a response or URL carried a secret ({} chars)",
                form.len()
            );
            assert!(
                !database.contains(&form),
                "the database holds a secret in the clear"
            );
            assert!(!log_text.contains(&form), "a log line holds a secret");
        }
    }
}

async fn keep(res: reqwest::Response) -> String {
    let headers = format!("{:?}", res.headers());
    headers + &res.text().await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_digitalocean_secret_in_logs_responses_or_sqlite() {
    no_digitalocean_secret_anywhere(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_digitalocean_secret_in_logs_responses_or_postgres() {
    no_digitalocean_secret_anywhere(Backend::Postgres).await;
}
