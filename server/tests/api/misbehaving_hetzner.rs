//! Hetzner misbehaving under load: 50 users connect at once while the fake
//! answers with a mix of 500s, 429s, hangs and dropped connections. Every
//! request ends within its timeout with the right message, and afterwards the
//! server's open connections return to idle and it still answers at once.

use crate::support::{location, Backend, TestApp};
use hetzner_fake::{Fault, FaultKind};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// Open TCP connections with an end on one of `ports` (this test's app and
/// fake), from the kernel's table: tests running beside this one in the same
/// process open their own descriptors, which a count of `/proc/self/fd`
/// would include. Only states that hold a descriptor count: established,
/// and closed by the peer but not by us (a leak's signature).
fn open_connections(ports: &[u16]) -> usize {
    const ESTABLISHED: &str = "01";
    const CLOSE_WAIT: &str = "08";
    let port_of = |end: &str| {
        end.rsplit(':')
            .next()
            .and_then(|hex| u16::from_str_radix(hex, 16).ok())
    };
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .map(|line| {
                    line.split_whitespace()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| row.len() > 3 && (row[3] == ESTABLISHED || row[3] == CLOSE_WAIT))
        .filter(|row| {
            [&row[1], &row[2]]
                .iter()
                .any(|end| port_of(end).is_some_and(|port| ports.contains(&port)))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_users_connect_through_a_failing_hetzner() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mut users = Vec::new();
    for n in 0..50 {
        users.push((
            app.sign_up(&format!("u{n}@example.com")).await,
            app.fake.add_project(&format!("p{n}")),
        ));
    }
    let app_port = app
        .base_url
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("the app's port");
    let ports = [app_port, app.fake.addr().port()];
    let baseline = open_connections(&ports);
    // Enough faults for every request of the first wave, then a healthy API.
    for (kind, count) in [
        (
            FaultKind::Error {
                status: 500,
                code: "server_error".into(),
                message: "boom".into(),
            },
            30,
        ),
        (
            FaultKind::Error {
                status: 429,
                code: "rate_limit_exceeded".into(),
                message: "slow down".into(),
            },
            10,
        ),
        (FaultKind::Hang, 20),
        (FaultKind::Drop, 20),
    ] {
        app.fake.inject(Fault::new(kind).times(count));
    }
    let started = Instant::now();
    let attempts = users.iter().map(|(cookie, project)| {
        let app = &app;
        async move {
            let begun = Instant::now();
            let res = app.connect(cookie, "load", &project.read_write_token).await;
            (begun.elapsed(), res.status(), location(&res))
        }
    });
    let outcomes = futures::future::join_all(attempts).await;
    let mut connected = 0;
    let error_of = |to: &str| {
        use base64::Engine as _;
        let encoded = to
            .split("__err=")
            .nth(1)
            .unwrap_or_default()
            .replace("%3D", "=");
        let json = base64::engine::general_purpose::URL_SAFE
            .decode(encoded)
            .unwrap_or_default();
        String::from_utf8_lossy(&json).into_owned()
    };
    for (took, status, to) in &outcomes {
        // Per request: one Hetzner timeout (1 s in tests) and its retries end by 2 s.
        assert!(*took < Duration::from_secs(6), "a request took {took:?}");
        assert_eq!(*status, StatusCode::FOUND);
        if to.starts_with("/?connected=") {
            connected += 1;
        } else {
            let error = error_of(to);
            assert!(
                error.contains("HetznerUnreachable") || error.contains("HetznerRateLimited"),
                "{error}"
            );
        }
    }
    let messages: Vec<&str> = outcomes.iter().map(|(_, _, to)| to.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("__err")),
        "some requests met the faults"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the wave finished: {:?}",
        started.elapsed()
    );

    // Once Hetzner recovers, everyone who failed connects.
    app.fake.clear_faults();
    let after_faults = open_connections(&ports);
    for ((cookie, project), (_, _, first)) in users.iter().zip(&outcomes) {
        if !first.starts_with("/?connected=") {
            let to = location(
                &app.connect(cookie, "again", &project.read_write_token)
                    .await,
            );
            assert!(to.starts_with("/?connected="), "{to}");
        }
    }
    assert!(connected < 50, "the faults were met");

    // Idle again: a healthy wave adds no connections to those the faults left
    // (pooled keep-alives and the fake's hung handlers), and nothing is stuck.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = open_connections(&ports);
    assert!(
        after <= after_faults + 10,
        "open connections grew from {after_faults} to {after} (baseline {baseline})"
    );
    let health = Instant::now();
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    assert!(
        health.elapsed() < Duration::from_millis(500),
        "no worker is stuck"
    );
}
