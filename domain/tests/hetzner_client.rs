#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! The client against the in-process fake: every call, every error, retries,
//! timeouts, and no token in any log line. Each fake checks, when dropped,
//! that everything it answered matches Hetzner's OpenAPI description.

use domain::providers::hetzner::*;
use hetzner_fake::{FakeConfig, FakeHetzner, FakeProject, Fault, FaultKind};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp test@example";

struct Setup {
    fake: FakeHetzner,
    project: FakeProject,
    client: HetznerClient,
}

impl Setup {
    async fn new() -> Self {
        Self::with(
            FakeConfig {
                provisioning: Duration::from_millis(300),
                ..FakeConfig::default()
            },
            |_| {},
        )
        .await
    }

    async fn with(fake_config: FakeConfig, tune: impl FnOnce(&mut ClientConfig)) -> Self {
        let fake = FakeHetzner::start(fake_config).await.expect("fake");
        let project = fake.add_project("test");
        let mut config = ClientConfig {
            base_url: fake.base_url(),
            request_timeout: Duration::from_secs(2),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                ..RetryPolicy::default()
            },
            ..ClientConfig::default()
        };
        tune(&mut config);
        let client = HetznerClient::new(config).expect("client");
        Self {
            fake,
            project,
            client,
        }
    }

    fn rw(&self) -> ApiToken {
        ApiToken::parse(&self.project.read_write_token).expect("token")
    }

    fn ro(&self) -> ApiToken {
        ApiToken::parse(&self.project.read_only_token).expect("token")
    }
}

fn potions_labels() -> Labels {
    BTreeMap::from([("managed-by".to_string(), "potions".to_string())])
}

fn new_server(name: &str, server_type: &str, location: &str, ssh_keys: Vec<i64>) -> CreateServer {
    CreateServer {
        name: name.into(),
        server_type: server_type.into(),
        image: "ubuntu-24.04".into(),
        location: location.into(),
        ssh_keys,
        labels: potions_labels(),
        start_after_create: true,
    }
}

#[tokio::test]
async fn every_call_reads_its_answer() {
    let s = Setup::new().await;
    let token = s.rw();
    let key = s
        .client
        .create_ssh_key(&token, "potions", KEY, &potions_labels())
        .await
        .unwrap();
    assert_eq!(
        key.value.fingerprint,
        "3a:57:1a:ae:62:e8:fa:26:20:05:61:a2:f2:35:ce:2c"
    );
    assert!(key
        .rate_limit
        .is_some_and(|r| r.limit == 3600 && r.remaining < 3600));
    assert!(key.correlation_id.is_some());
    let found = s
        .client
        .list_ssh_keys(
            &token,
            &ListParams {
                fingerprint: Some(key.value.fingerprint.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.value.items, vec![key.value.clone()]);

    let created = s
        .client
        .create_server(
            &token,
            &new_server("web-1", "cx22", "nbg1", vec![key.value.id]),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(created.action.command, "create_server");
    assert_eq!(created.next_actions[0].command, "start_server");
    let done = s
        .client
        .wait_for_action(
            &token,
            created.next_actions[0].id,
            Duration::from_millis(50),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!((done.status, done.progress), (ActionStatus::Success, 100));
    let server = s
        .client
        .get_server(&token, created.server.id)
        .await
        .unwrap()
        .value;
    assert_eq!(server.status, "running");
    assert!(server.ipv4().is_some());
    assert!(server.ipv6_host().unwrap().ends_with("::1"));
    let actions = s
        .client
        .get_actions(&token, &[created.action.id, created.next_actions[0].id])
        .await
        .unwrap()
        .value;
    assert_eq!(actions.len(), 2);

    let types = s.client.server_types(&token).await.unwrap().value;
    let cx22 = types.iter().find(|t| t.name == "cx22").unwrap();
    assert!(cx22.available_in("fsn1") && !cx22.available_in("ash"));
    // Listed in hel1 but `available: false` there (the API since 2026-04-01).
    assert!(cx22.locations.iter().any(|l| l.name == "hel1") && !cx22.available_in("hel1"));
    assert!(cx22.recommended_in("fsn1") && !cx22.recommended_in("hel1"));
    assert!(cx22.monthly_gross("fsn1").is_some());
    assert!(types
        .iter()
        .any(|t| t.deprecation.is_some() && !t.available_in("fsn1")));
    assert!(s.client.locations(&token).await.unwrap().value.len() >= 3);
    let arm = s
        .client
        .system_images(&token, Some("arm"))
        .await
        .unwrap()
        .value;
    assert!(!arm.is_empty() && arm.iter().all(|i| i.architecture == "arm"));
    assert_eq!(
        s.client.pricing(&token).await.unwrap().value.currency,
        "EUR"
    );

    let deleted = s
        .client
        .delete_server(&token, created.server.id)
        .await
        .unwrap()
        .value;
    assert_eq!(deleted.command, "delete_server");
    s.client.delete_ssh_key(&token, key.value.id).await.unwrap();
    assert!(s.fake.ssh_keys(&s.project).is_empty());
}

#[tokio::test]
async fn lists_follow_every_page() {
    let s = Setup::new().await;
    for i in 0..120 {
        s.fake
            .seed_server(&s.project, &format!("node-{i:03}"), "cpx11", "ash")
            .unwrap();
    }
    let all = s
        .client
        .all_servers(&s.ro(), &ListParams::default())
        .await
        .unwrap()
        .value;
    assert_eq!(all.len(), 120);
    assert_eq!(
        s.fake.request_count("GET", "/v1/servers"),
        3,
        "50 + 50 + 20"
    );
    let one = s
        .client
        .list_servers(
            &s.ro(),
            &ListParams {
                per_page: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    assert_eq!(one.items.len(), 1);
    assert_eq!(one.pagination.unwrap().total_entries, Some(120));
}

#[tokio::test]
async fn answers_map_to_their_error_kinds() {
    let s = Setup::new().await;
    let (rw, ro) = (s.rw(), s.ro());
    let unknown = ApiToken::parse(&"Z".repeat(64)).unwrap();
    let err = s
        .client
        .list_servers(&unknown, &ListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert!(
        err.correlation_id.is_some(),
        "errors carry the correlation id"
    );
    let err = s
        .client
        .create_ssh_key(&ro, "k", KEY, &Labels::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ReadOnlyToken);

    s.client
        .create_ssh_key(&rw, "k", KEY, &Labels::new())
        .await
        .unwrap();
    let err = s
        .client
        .create_ssh_key(&rw, "k2", KEY, &Labels::new())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Uniqueness {
            fields: vec!["public_key".into()]
        }
    );
    let err = s
        .client
        .create_ssh_key(&rw, "bad", "ssh-ed25519 nope", &Labels::new())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::InvalidInput {
            fields: vec!["public_key".into()]
        }
    );
    assert_eq!(
        s.client.get_server(&rw, 1).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    let err = s
        .client
        .create_server(&rw, &new_server("us-1", "cx22", "ash", vec![]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ResourceUnavailable);
    s.fake.set_server_limit(&s.project, 0);
    let err = s
        .client
        .create_server(&rw, &new_server("web-1", "cx22", "fsn1", vec![]))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::ResourceLimitExceeded {
            limits: vec!["server_limit".into()]
        }
    );
    let id = s
        .fake
        .seed_server(&s.project, "locked", "cx22", "fsn1")
        .unwrap();
    s.fake.set_delete_protection(&s.project, id, true);
    assert_eq!(
        s.client.delete_server(&rw, id).await.unwrap_err().kind,
        ErrorKind::Protected
    );

    for (status, code, expected) in [
        (403, "forbidden", ErrorKind::Forbidden),
        (403, "maintenance", ErrorKind::Maintenance),
        (423, "locked", ErrorKind::Locked),
        (500, "server_error", ErrorKind::ServerError { status: 500 }),
        (
            418,
            "teapot",
            ErrorKind::UnexpectedAnswer {
                status: 418,
                detail: "error code teapot".into(),
            },
        ),
    ] {
        s.fake.inject(Fault::error(status, code));
        assert_eq!(
            s.client.get_server(&rw, id).await.unwrap_err().kind,
            expected,
            "{code}"
        );
    }
}

#[tokio::test]
async fn idempotent_calls_retry_and_writes_do_not_repeat() {
    let s = Setup::new().await;
    let token = s.rw();
    s.fake.inject(
        Fault::error(503, "unavailable")
            .times(2)
            .on("GET", "/v1/locations"),
    );
    assert!(!s.client.locations(&token).await.unwrap().value.is_empty());
    assert_eq!(
        s.fake.request_count("GET", "/v1/locations"),
        3,
        "two failures, then success"
    );

    s.fake.inject(
        Fault::error(503, "unavailable")
            .times(10)
            .on("GET", "/v1/locations"),
    );
    let err = s.client.locations(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServerError { status: 503 });
    assert_eq!(
        s.fake.request_count("GET", "/v1/locations"),
        3 + 4,
        "gives up after max_attempts"
    );
    s.fake.clear_faults();

    s.fake
        .inject(Fault::error(503, "unavailable").on("POST", "/v1/servers"));
    let err = s
        .client
        .create_server(&token, &new_server("once", "cx22", "fsn1", vec![]))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServerError { status: 503 });
    assert_eq!(
        s.fake.request_count("POST", "/v1/servers"),
        1,
        "a write that may have been applied is never repeated"
    );

    s.fake
        .inject(Fault::error(429, "rate_limit_exceeded").on("POST", "/v1/servers"));
    s.fake
        .inject(Fault::error(409, "conflict").on("POST", "/v1/servers"));
    s.client
        .create_server(&token, &new_server("twice", "cx22", "fsn1", vec![]))
        .await
        .unwrap();
    assert_eq!(
        s.fake.request_count("POST", "/v1/servers"),
        1 + 3,
        "429 and conflict mean nothing was done: retried"
    );
    assert_eq!(s.fake.server_names(&s.project), vec!["twice".to_string()]);
}

#[tokio::test]
async fn a_spent_rate_limit_reports_its_reset_without_waiting_past_the_deadline() {
    let s = Setup::with(
        FakeConfig {
            rate_limit: 5,
            refill_per_sec: 0.001,
            ..FakeConfig::default()
        },
        |c| c.retry.deadline = Duration::from_secs(2),
    )
    .await;
    s.fake.exhaust_rate_limit(&s.project);
    let started = Instant::now();
    let err = s.client.locations(&s.ro()).await.unwrap_err();
    let ErrorKind::RateLimited {
        reset_at: Some(reset),
    } = err.kind
    else {
        panic!("{err:?}")
    };
    assert!(
        reset > domain::clock::now_unix() + 60,
        "reset comes from RateLimit-Reset"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "does not sleep for an hour"
    );
    assert_eq!(s.fake.request_count("GET", "/v1/locations"), 1);
}

#[tokio::test]
async fn a_rate_limit_that_resets_soon_is_waited_out() {
    let s = Setup::with(
        FakeConfig {
            rate_limit: 1,
            refill_per_sec: 2.0,
            ..FakeConfig::default()
        },
        |_| {},
    )
    .await;
    s.fake.exhaust_rate_limit(&s.project);
    assert!(
        s.client.locations(&s.ro()).await.is_ok(),
        "429, wait for the reset, then success"
    );
    assert!(s.fake.request_count("GET", "/v1/locations") >= 2);
}

#[tokio::test]
async fn hangs_time_out_and_broken_answers_are_clear_errors() {
    let s = Setup::with(FakeConfig::default(), |c| {
        c.request_timeout = Duration::from_millis(300)
    })
    .await;
    let token = s.ro();
    s.fake.inject(Fault::new(FaultKind::Hang));
    let started = Instant::now();
    assert_eq!(
        s.client.get_server(&token, 1).await.unwrap_err().kind,
        ErrorKind::Timeout
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "bounded by the request timeout: {:?}",
        started.elapsed()
    );

    s.fake.inject(Fault::new(FaultKind::NotJson));
    let err = s.client.locations(&token).await.unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::UnexpectedAnswer {
            status: 200,
            detail: "answer is not JSON".into()
        }
    );

    s.fake.inject(Fault::new(FaultKind::Drop));
    assert_eq!(
        s.client.locations(&token).await.unwrap_err().kind,
        ErrorKind::Transport
    );

    let small = Setup::with(FakeConfig::default(), |c| c.max_response_bytes = 512).await;
    let err = small.client.server_types(&small.ro()).await.unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::UnexpectedAnswer { ref detail, .. } if detail == "answer too large")
    );

    let nowhere = HetznerClient::new(ClientConfig {
        base_url: "http://127.0.0.1:9/v1".into(),
        ..ClientConfig::default()
    })
    .unwrap();
    assert_eq!(
        nowhere.locations(&token).await.unwrap_err().kind,
        ErrorKind::Transport
    );
}

#[test]
fn no_token_reaches_a_log_line() {
    let captured = testkit::LogCapture::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let secrets = runtime.block_on(async {
        let s = Setup::new().await;
        let (rw, ro) = (s.rw(), s.ro());
        s.client
            .create_ssh_key(&rw, "k", KEY, &Labels::new())
            .await
            .unwrap();
        let _ = s.client.create_ssh_key(&ro, "k", KEY, &Labels::new()).await;
        s.fake.inject(Fault::error(503, "unavailable").times(2));
        let _ = s.client.all_servers(&rw, &ListParams::default()).await;
        let _ = s.client.get_server(&rw, 42).await;
        tracing::info!(token = ?rw, "debug formatting of a token");
        vec![
            s.project.read_write_token.clone(),
            s.project.read_only_token.clone(),
        ]
    });
    let logs = captured.text();
    assert!(
        logs.contains("hetzner refused"),
        "the capture works: {logs}"
    );
    for secret in secrets {
        assert!(!logs.contains(&secret), "a token reached the logs");
        assert!(
            !logs.contains(&secret[..16]),
            "part of a token reached the logs"
        );
    }
}
