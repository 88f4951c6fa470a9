//! Spawns the real Potions router on a random port of 127.0.0.1 against its
//! own fresh database (a temporary SQLite file, or a new PostgreSQL
//! database), and drives it over HTTP like a browser without JavaScript.

use hetzner_fake::{FakeConfig, FakeHetzner};
use reqwest::header::{HeaderMap, ACCEPT, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use server::config::Settings;
use server::Server;
use sqlx::Connection;
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where PostgreSQL tests create their databases.
fn postgres_admin_url() -> String {
    std::env::var("POTIONS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Set to run without PostgreSQL: its half of every test is then skipped,
/// and says so. Without it, an unreachable PostgreSQL fails the test.
pub const SKIP_POSTGRES_VAR: &str = "POTIONS_TEST_SKIP_POSTGRES";

/// Every test database's name starts so, then says when it was made.
const TEST_DATABASE_PREFIX: &str = "potions_t_";
/// Test databases older than this are left over from earlier runs.
const STALE_AFTER_SECS: i64 = 60 * 60;

/// Drops the test databases earlier runs left behind (each test makes its
/// own, and a run killed halfway cannot clean up): those made over an hour
/// ago, and those named before names carried a time. One still in use
/// cannot be dropped, and is left alone.
async fn drop_stale_test_databases(admin_url: &str) {
    let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await else {
        return;
    };
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'potions\\_t\\_%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap_or_default();
    let cutoff = domain::clock::now_unix() - STALE_AFTER_SECS;
    for (name,) in names {
        let made_at = name
            .strip_prefix(TEST_DATABASE_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<i64>().ok());
        let safe_name = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if safe_name && made_at.is_none_or(|made_at| made_at < cutoff) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut admin)
                .await;
        }
    }
}

/// A fresh PostgreSQL database, or `None` when the operator opted out with
/// [`SKIP_POSTGRES_VAR`]. An unreachable PostgreSQL fails the test: a test
/// that could not run its database never reports ok.
pub async fn fresh_postgres_database() -> Option<String> {
    if std::env::var_os(SKIP_POSTGRES_VAR).is_some() {
        eprintln!("PostgreSQL skipped: {SKIP_POSTGRES_VAR} is set");
        return None;
    }
    sqlx::any::install_default_drivers();
    let admin_url = postgres_admin_url();
    let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(err) => panic!(
            "PostgreSQL unreachable at {admin_url}: {err}. Start it, point \
             POTIONS_TEST_POSTGRES_URL at one, or set {SKIP_POSTGRES_VAR}=1 to skip it knowingly."
        ),
    };
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| drop_stale_test_databases(&admin_url))
        .await;
    let name = format!(
        "{TEST_DATABASE_PREFIX}{}_{}",
        domain::clock::now_unix(),
        domain::db::new_id().to_lowercase().replace(['-', '_'], "")
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}

/// The settings of a test instance: its own data folder, this fake Hetzner,
/// and short timeouts so a misbehaving fake cannot stall a test.
pub fn test_settings(data_dir: &std::path::Path, fake: &FakeHetzner) -> Settings {
    let mut settings = Settings::for_data_dir(data_dir.to_path_buf());
    settings.hetzner_api_url = fake.base_url();
    settings.hetzner_timeout_secs = 1.0;
    // Tests connect many projects as one user; the limits have their own test.
    settings.token_checks_per_user = 10_000;
    settings.token_checks_per_token = 10_000;
    // A test runs the schedules at the times it picks.
    settings.schedule_check_secs = 0;
    settings
}

pub struct TestApp {
    pub base_url: String,
    pub client: Client,
    pub database_url: String,
    /// The fake Hetzner this Potions talks to.
    pub fake: FakeHetzner,
    pub data_dir: tempfile::TempDir,
    /// Its snapshot schedules, run by a test at the times it picks (test
    /// instances never look on their own).
    pub schedules: domain::schedules::Schedules,
    pub safety_nets: domain::safety_net::SafetyNets,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// `None` only for PostgreSQL when its tests are knowingly skipped.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// As [`Self::spawn`], with settings changed by `configure` first.
    pub async fn spawn_with(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        match Self::try_spawn_with(backend, configure).await {
            Ok(app) => app,
            Err(err) => panic!("server starts: {err:?}"),
        }
    }

    /// As [`Self::spawn_with`], answering a failure to start instead (an
    /// address chosen beforehand may have been taken meanwhile).
    pub async fn try_spawn_with(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
    ) -> Result<Option<Self>, server::StartError> {
        if std::env::var_os("POTIONS_TEST_LOG").is_some() {
            server::telemetry::init(server::config::LogFormat::Text);
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let fake = FakeHetzner::start(FakeConfig {
            provisioning: Duration::from_millis(300),
            ..FakeConfig::default()
        })
        .await
        .expect("fake Hetzner starts");
        let mut settings = test_settings(data_dir.path(), &fake);
        if let Backend::Postgres = backend {
            match fresh_postgres_database().await {
                Some(url) => settings.database_url = Some(url),
                None => return Ok(None),
            }
        }
        configure(&mut settings);
        let database_url = settings.database_url();
        let server = Server::bind(&settings).await?;
        let (schedules, safety_nets) = (server.schedules(), server.safety_nets());
        let base_url = format!("http://{}", server.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // Serves until `stop`, not when the app is dropped part by part.
        let serving = tokio::spawn(server.run(async move {
            if stopped.await.is_err() {
                std::future::pending::<()>().await;
            }
        }));
        let client = Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .expect("client");
        Ok(Some(Self {
            base_url,
            client,
            database_url,
            fake,
            data_dir,
            schedules,
            safety_nets,
            stop: Some(stop),
            serving: Some(serving),
        }))
    }

    /// Another instance on the same database and keys, with settings changed
    /// by `configure`; answers its base URL.
    pub async fn second_instance_with(&self, configure: impl FnOnce(&mut Settings)) -> String {
        let mut settings = test_settings(self.data_dir.path(), &self.fake);
        settings.database_url = Some(self.database_url.clone());
        configure(&mut settings);
        let server = Server::bind(&settings)
            .await
            .expect("second instance starts");
        let base = format!("http://{}", server.local_addr());
        tokio::spawn(server.run(std::future::pending()));
        base
    }

    /// The snapshot schedules of another instance on the same database.
    pub async fn second_instance_schedules(&self) -> domain::schedules::Schedules {
        let mut settings = test_settings(self.data_dir.path(), &self.fake);
        settings.database_url = Some(self.database_url.clone());
        let server = Server::bind(&settings)
            .await
            .expect("second instance starts");
        let schedules = server.schedules();
        tokio::spawn(server.run(std::future::pending()));
        schedules
    }

    /// Stops serving as a terminated instance does (its lease is released).
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serving) = self.serving.take() {
            serving.await.expect("server task").expect("served");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path)).header(ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            req = req.header(COOKIE, cookie);
        }
        req.send().await.expect("GET")
    }

    /// Posts a form the way a browser without JavaScript does.
    pub async fn post_form(
        &self,
        path: &str,
        referer: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Response {
        super::form_post(&self.client, &self.base_url, path, referer, form, cookie)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_up(&self, email: &str) -> String {
        let res = self
            .post_form(
                super::path_of::<super::SignUp>(),
                "/signup",
                &[("email", email), ("password", PASSWORD)],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::FOUND, "sign-up should redirect");
        assert_eq!(location(&res), "/");
        session_cookie(res.headers()).expect("sign-up sets a session cookie")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_form(
            super::path_of::<super::SignIn>(),
            "/login",
            &[("email", email), ("password", password)],
            None,
        )
        .await
    }

    /// A form posted without JavaScript that failed: the browser is sent back
    /// to the form's page, which shows `message`, and no session starts.
    pub async fn assert_form_error(&self, res: Response, form_page: &str, message: &str) {
        self.assert_form_error_as(res, form_page, message, None)
            .await;
    }

    /// As [`Self::assert_form_error`], for a page behind sign-in.
    pub async fn assert_form_error_as(
        &self,
        res: Response,
        form_page: &str,
        message: &str,
        cookie: Option<&str>,
    ) {
        assert_eq!(
            res.status(),
            StatusCode::FOUND,
            "expected a redirect back to {form_page}"
        );
        assert!(
            session_cookie(res.headers()).is_none(),
            "a failed form started a session"
        );
        let back = location(&res);
        let page_url = self.url(form_page);
        assert!(back.starts_with(&page_url), "{back} is not {page_url}");
        let mut request = self.client.get(&back).header(ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let page = request.send().await.expect("GET");
        let html = page.text().await.expect("body");
        assert!(
            html.contains(message),
            "{form_page} does not say {message:?} (at {back}):\n{html}"
        );
    }

    /// Posts the Connect Hetzner Cloud form without JavaScript.
    pub async fn connect(&self, cookie: &str, label: &str, token: &str) -> Response {
        self.post_form(
            super::path_of::<super::ConnectHetzner>(),
            "/connect/hetzner",
            &[("label", label), ("token", token)],
            Some(cookie),
        )
        .await
    }

    /// Connects and returns the new connection's id.
    pub async fn connect_ok(&self, cookie: &str, label: &str, token: &str) -> String {
        let res = self.connect(cookie, label, token).await;
        assert_eq!(res.status(), StatusCode::FOUND);
        let to = location(&res);
        to.strip_prefix("/?connected=")
            .unwrap_or_else(|| panic!("connect failed: redirected to {to}"))
            .to_string()
    }

    /// Posts a raw form to a server function, as a hand-made request could,
    /// and returns its status and JSON answer: for malformed and hostile
    /// input and scans over every endpoint. Well-formed calls use
    /// [`TestApp::invoke`], with the function's own types.
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) -> (StatusCode, serde_json::Value) {
        let res = self
            .client
            .post(self.url(endpoint))
            .header(ACCEPT, "application/json")
            .header(ORIGIN, &self.base_url)
            .header(COOKIE, cookie)
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = res.status();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A page as a signed-in browser gets it, as [`readable`] HTML.
    pub async fn page(&self, path: &str, cookie: &str) -> String {
        let res = self.get(path, Some(cookie)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        readable(res.text().await.expect("body"))
    }

    pub async fn db(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&self.database_url)
            .await
            .expect("db")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(&mut self.db().await)
            .await
            .expect("count");
        n
    }
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// `potions_session=<value>` from a response's Set-Cookie, if it sets a non-empty one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_set(headers, "potions_session")
}

/// `<name>=<value>` from a response's Set-Cookie, if it sets a non-empty one.
pub fn cookie_set(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&prefix) && pair.len() > prefix.len())
        .map(str::to_string)
}

pub fn set_cookie_header(headers: &HeaderMap) -> String {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("potions_session="))
        .unwrap_or_default()
        .to_string()
}

/// Fails a test that hangs instead of blocking the suite.
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(120), test)
        .await
        .expect("test did not finish within 120 s");
}

/// Runs one async test body against SQLite and against PostgreSQL.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite)
                        .await
                        .expect("SQLite always available");
                    $crate::support::bounded(super::$name(app)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await {
                        $crate::support::bounded(super::$name(app)).await;
                    }
                }
            )*
        }
    };
}

/// Runs each test function that takes a `Backend` (and spawns what it needs)
/// once on SQLite and once on PostgreSQL, as `name::sqlite` and `name::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::bounded(super::$name($crate::support::Backend::Sqlite)).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::bounded(super::$name($crate::support::Backend::Postgres)).await;
                }
            }
        )*
    };
}

/// Server-rendered HTML without the empty comments (`<!>`) that type-erased
/// views (`always-erase-components`, as Potions is served and tested) leave
/// after text for hydration, so a test finds text as a reader sees it.
/// Dropping them can only join text, never hide any: a test that a secret is
/// absent stays as strict.
pub fn readable(html: String) -> String {
    html.replace("<!>", "")
}
