//! Behind a real reverse proxy (Debian's nginx, started here, appending
//! `X-Forwarded-For` as the operations guide configures it): the client
//! address Potions records is the one nginx saw, whatever forwarding headers
//! the client sent itself.

use crate::support::{path_of, session_cookie, Backend, SignIn, TestApp, PASSWORD};
use reqwest::header::{ACCEPT, ORIGIN};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";
/// nginx reaches Potions from this address, the one trusted proxy.
const PROXY_ADDRESS: &str = "127.0.0.2";
/// The test's browser reaches nginx from this one.
const CLIENT_ADDRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);

/// nginx in the foreground, one process as the test's user, stopped on drop.
struct Nginx {
    child: std::process::Child,
    base_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    /// nginx on a port free a moment ago; should anything take it meanwhile
    /// (nginx then exits), another.
    async fn start(upstream: &str) -> Self {
        assert!(
            std::path::Path::new(NGINX).exists(),
            "{NGINX} is missing: `cargo xtask test` installs Debian's nginx-light"
        );
        for _ in 0..5 {
            if let Some(nginx) = Self::start_on_a_free_port(upstream).await {
                return nginx;
            }
        }
        panic!("nginx did not start");
    }

    async fn start_on_a_free_port(upstream: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.path().display();
        let config = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid;
             error_log {d}/error.log;
             events {{ worker_connections 64; }}
             http {{
               access_log off;
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
               fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
               server {{
                 listen 127.0.0.1:{port};
                 location / {{
                   proxy_pass http://{upstream};
                   proxy_bind {PROXY_ADDRESS};
                   proxy_set_header Host $host;
                   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                   proxy_set_header X-Forwarded-Proto $scheme;
                 }}
               }}
             }}"
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, config).unwrap();
        let child = std::process::Command::new(NGINX)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&path)
            .spawn()
            .expect("nginx starts");
        let mut nginx = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if nginx.child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Some(nginx)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_a_client_cannot_choose_its_address() {
    let trusted = |s: &mut server::config::Settings| {
        s.trusted_proxies = vec![format!("{PROXY_ADDRESS}/32").parse().unwrap()];
    };
    let app = TestApp::spawn_with(Backend::Sqlite, trusted)
        .await
        .expect("SQLite always available");
    app.sign_up("ada@example.com").await;
    let upstream = app.base_url.trim_start_matches("http://").to_string();
    let nginx = Nginx::start(&upstream).await;
    let browser = reqwest::Client::builder()
        .local_address(IpAddr::V4(CLIENT_ADDRESS))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];
    let res = browser
        .post(format!("{}{}", nginx.base_url, path_of::<SignIn>()))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, &app.base_url)
        // What a client may claim: nginx passes `Forwarded` through and
        // appends to `X-Forwarded-For`; neither claim is believed.
        .header("forwarded", "for=198.51.100.66")
        .header("x-forwarded-for", "203.0.113.9")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(
        session_cookie(res.headers()).is_some(),
        "signed in through nginx"
    );
    let seen_by_nginx = CLIENT_ADDRESS.to_string();
    let sessions_from =
        |address: &str| format!("SELECT COUNT(*) FROM sessions WHERE client_address = '{address}'");
    assert_eq!(
        app.count(&sessions_from(&seen_by_nginx)).await,
        1,
        "the address nginx saw is the client's"
    );
    for claimed in ["198.51.100.66", "203.0.113.9"] {
        assert_eq!(
            app.count(&sessions_from(claimed)).await,
            0,
            "{claimed} was believed"
        );
    }
    let recorded =
        format!("SELECT COUNT(*) FROM activity WHERE client_address = '{seen_by_nginx}'");
    assert_eq!(app.count(&recorded).await, 1, "the sign-in's entry");
    drop(nginx);
}
