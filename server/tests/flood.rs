#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! 200 sign-ins at once, each a full Argon2 verification, while `/healthz`
//! is polled: hashing waits its turn off the async workers, so the server
//! keeps answering promptly. A binary of its own because it measures time:
//! cargo runs test binaries one after another, so no other test competes
//! for the CPU meanwhile.

use std::time::{Duration, Instant};

use leptos::server_fn::ServerFn as _;
use reqwest::header::{ACCEPT, ORIGIN};
use server::config::Settings;
use server::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_sign_ins_does_not_stall_the_server() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(data.path().to_path_buf());
    settings.hetzner_api_url = "http://127.0.0.1:9/v1".into();
    settings.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    let server = Server::bind(&settings).await.expect("starts");
    let base = format!("http://{}", server.local_addr());
    tokio::spawn(server.run(std::future::pending()));
    let client = reqwest::Client::new();
    let sign_in = format!("{base}{}", app::auth::server_fns::SignIn::PATH);

    let flood = futures::future::join_all((0..200).map(|n| {
        let (client, sign_in, base) = (&client, &sign_in, &base);
        async move {
            let email = format!("u{n}@example.com");
            client
                .post(sign_in)
                .header(ACCEPT, "application/json")
                .header(ORIGIN, base)
                .header("x-forwarded-for", format!("198.51.{}.{}", n / 250, n % 250))
                .form(&[("email", email.as_str()), ("password", "wrong guess")])
                .send()
                .await
                .expect("POST")
                .text()
                .await
                .unwrap_or_default()
        }
    }));
    let probe = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut latencies = Vec::new();
        for _ in 0..100 {
            let start = Instant::now();
            let res = client
                .get(format!("{base}/healthz"))
                .send()
                .await
                .expect("GET");
            assert!(res.status().is_success());
            latencies.push(start.elapsed());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies
    };
    let (answers, mut latencies) = tokio::join!(flood, probe);
    let verified = answers
        .iter()
        .filter(|a| a.contains("InvalidCredentials"))
        .count();
    assert_eq!(verified, 200, "every sign-in was verified");
    latencies.sort();
    let p99 = latencies[latencies.len() * 99 / 100 - 1];
    println!("/healthz p99 under 200 concurrent sign-ins: {p99:?}");
    assert!(p99 < Duration::from_millis(100), "/healthz p99 {p99:?}");
}
