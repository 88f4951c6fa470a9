//! After a connect and everything around it, the token's plaintext, base64
//! and hex appear in no log line, no response, and nowhere in the database.

use crate::support::{path_of, ListConnectionsWithServerCounts, RecheckConnection};
use crate::support::{Backend, TestApp};
use base64::Engine as _;
use std::sync::OnceLock;
use testkit::LogCapture;

/// Every log line of this test binary, at every level.
fn logs() -> &'static LogCapture {
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

async fn database_text(app: &TestApp, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => ["potions.db", "potions.db-wal"]
            .iter()
            .filter_map(|f| std::fs::read(app.data_dir.path().join(f)).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .collect(),
        Backend::Postgres => {
            let mut text = String::new();
            for table in [
                "users",
                "sessions",
                "login_failures",
                "user_ssh_keys",
                "connections",
            ] {
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
    let Some(app) = TestApp::spawn(backend).await else {
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
    seen += &keep(
        app.post_form(
            path_of::<RecheckConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await,
    )
    .await;
    seen += &keep(
        app.post_form(
            path_of::<ListConnectionsWithServerCounts>(),
            "/",
            &[],
            Some(&cookie),
        )
        .await,
    )
    .await;
    assert!(seen.contains("Leak test"), "the flow ran");
    let database = database_text(&app, backend).await;
    assert!(database.contains("Leak test"), "the database was read");
    let log_text = logs.text();
    assert!(
        log_text.contains("hetzner project connected"),
        "logs were captured"
    );

    for token in [&project.read_write_token, &project.read_only_token] {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_logs_responses_or_sqlite() {
    no_token_anywhere(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_logs_responses_or_postgres() {
    no_token_anywhere(Backend::Postgres).await;
}
