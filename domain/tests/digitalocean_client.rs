#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! The DigitalOcean client against the in-process fake: the OAuth dance,
//! every call, every error row, retries, timeouts, hostile answers, and no
//! secret in any log line. Each fake checks, when dropped, that every API
//! answer it gave matches DigitalOcean's OpenAPI description.

use digitalocean_fake::browser::{consent, ConsentOutcome};
use digitalocean_fake::{App, FakeConfig, FakeDigitalOcean, FakeTeam, FakeUser, Fault, FaultKind};
use domain::providers::digitalocean::*;
use domain::providers::http::RetryPolicy;
use serde_json::json;
use std::time::{Duration, Instant};

const CALLBACK: &str = "http://127.0.0.1:9/connect/digitalocean/callback";

struct Setup {
    fake: FakeDigitalOcean,
    user: FakeUser,
    app: App,
    client: DigitalOceanClient,
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

    async fn with(fake_config: FakeConfig, tune: impl FnOnce(&mut DigitalOceanConfig)) -> Self {
        let fake = FakeDigitalOcean::start(fake_config).await.unwrap();
        let user = fake.add_user(
            "sammy@example.com",
            "correct horse",
            &["Sammy's team", "Acme"],
        );
        let app = fake.add_app("Potions", CALLBACK);
        let mut config = DigitalOceanConfig {
            api_base_url: fake.api_base_url(),
            oauth_base_url: fake.oauth_base_url(),
            request_timeout: Duration::from_secs(2),
            action_poll_interval: Duration::from_millis(50),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                ..RetryPolicy::default()
            },
            ..DigitalOceanConfig::default()
        };
        tune(&mut config);
        let client = DigitalOceanClient::new(config).unwrap();
        Self {
            fake,
            user,
            app,
            client,
        }
    }

    fn oauth_app(&self) -> OAuthApp {
        OAuthApp {
            client_id: self.app.client_id.clone(),
            client_secret: ClientSecret::new(self.app.client_secret.clone()),
            redirect_uri: CALLBACK.into(),
        }
    }

    fn team(&self) -> &FakeTeam {
        &self.user.teams[0]
    }

    /// A token for the first team with Potions' scopes (or `scopes`).
    fn token(&self, scopes: &[&str]) -> AccessToken {
        AccessToken::new(
            self.fake
                .grant(&self.app, &self.user, self.team(), scopes)
                .access,
        )
    }

    fn potions_token(&self) -> AccessToken {
        self.token(SCOPES)
    }

    /// The consent page approved for `team`: the code and the echoed state.
    async fn authorize(&self, team: &str, pkce: &Pkce) -> (AuthorizationCode, String) {
        let url = authorize_url(
            self.client.config(),
            &self.oauth_app(),
            "state-1",
            &pkce.challenge,
        );
        let outcome = consent(&url, &self.user.email, &self.user.password, team, true)
            .await
            .unwrap();
        let ConsentOutcome::Redirect(location) = outcome else {
            panic!("no redirect: {outcome:?}")
        };
        let query = location.strip_prefix(&format!("{CALLBACK}?")).unwrap();
        let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        (AuthorizationCode::new(get("code")), get("state"))
    }
}

fn kind<T: std::fmt::Debug>(result: Result<T, DigitalOceanError>) -> ErrorKind {
    result.unwrap_err().kind
}

#[tokio::test]
async fn the_oauth_dance_through_the_client() {
    let s = Setup::new().await;
    let pkce = Pkce::generate();
    let (code, state) = s.authorize("Acme", &pkce).await;
    assert_eq!(state, "state-1");
    let app = s.oauth_app();
    let grant = s
        .client
        .exchange_code(&app, &code, &pkce.verifier)
        .await
        .unwrap();
    assert_eq!(grant.info.team_name, "Acme");
    assert_eq!(grant.info.email, "sammy@example.com");
    assert_eq!(grant.expires_in, Duration::from_secs(2_592_000));

    // The code is single-use.
    let reused = s.client.exchange_code(&app, &code, &pkce.verifier).await;
    assert_eq!(kind(reused), ErrorKind::OAuth(OAuthErrorKind::InvalidGrant));

    let account = s.client.account(&grant.access_token).await.unwrap();
    assert_eq!(account.value.team.map(|t| t.name), Some("Acme".into()));
    assert!(account.rate_limit.is_some(), "rate-limit headers are read");

    let renewed = s.client.refresh(&app, &grant.refresh_token).await.unwrap();
    assert_eq!(
        kind(s.client.account(&grant.access_token).await),
        ErrorKind::Unauthorized
    );
    assert_eq!(
        kind(s.client.refresh(&app, &grant.refresh_token).await),
        ErrorKind::OAuth(OAuthErrorKind::InvalidGrant)
    );
    s.client.account(&renewed.access_token).await.unwrap();

    // Revoking the grant ends both tokens: the refresh token refreshes no
    // more, the access token reads nothing, and revoking again is refused.
    s.client
        .revoke_grant(&renewed.access_token, Some(&renewed.refresh_token))
        .await
        .unwrap();
    assert_eq!(
        kind(s.client.account(&renewed.access_token).await),
        ErrorKind::Unauthorized
    );
    assert_eq!(
        kind(s.client.refresh(&app, &renewed.refresh_token).await),
        ErrorKind::OAuth(OAuthErrorKind::InvalidGrant)
    );
    assert_eq!(
        kind(s.client.revoke_grant(&renewed.access_token, None).await),
        ErrorKind::OAuth(OAuthErrorKind::InvalidToken)
    );
}

#[tokio::test]
async fn oauth_errors_and_broken_token_answers_are_typed() {
    let s = Setup::new().await;
    let pkce = Pkce::generate();
    let (code, _) = s.authorize("Acme", &pkce).await;
    let wrong_secret = OAuthApp {
        client_secret: ClientSecret::new("wrong"),
        ..s.oauth_app()
    };
    assert_eq!(
        kind(
            s.client
                .exchange_code(&wrong_secret, &code, &pkce.verifier)
                .await
        ),
        ErrorKind::OAuth(OAuthErrorKind::InvalidClient)
    );
    let (code, _) = s.authorize("Acme", &pkce).await;
    let other = Pkce::generate();
    assert_eq!(
        kind(
            s.client
                .exchange_code(&s.oauth_app(), &code, &other.verifier)
                .await
        ),
        ErrorKind::OAuth(OAuthErrorKind::InvalidGrant)
    );

    let info =
        json!({ "name": "S", "email": "e", "uuid": "u", "team_uuid": "t", "team_name": "T" });
    let broken = [
        json!({ "access_token": "doo_v1_x", "token_type": "bearer", "refresh_token": "dor_v1_x", "info": info }),
        json!({ "access_token": "doo_v1_x", "token_type": "bearer", "expires_in": 9_999_999_999_i64,
                "refresh_token": "dor_v1_x", "info": info }),
        json!({ "access_token": "doo_v1_x", "token_type": "bearer", "expires_in": 2_592_000,
                "refresh_token": "dor_v1_x", "info": info, "surprise": true }),
        json!({ "access_token": "doo_v1_x", "token_type": "bearer", "expires_in": 2_592_000, "info": info }),
    ];
    for body in broken {
        s.fake.inject(
            Fault::new(FaultKind::Json {
                status: 200,
                body: body.clone(),
            })
            .on("POST", "/v1/oauth/token"),
        );
        let refresh = RefreshToken::new("dor_v1_anything");
        let err = s
            .client
            .refresh(&s.oauth_app(), &refresh)
            .await
            .unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::UnexpectedAnswer { .. }),
            "{body}: {err:?}"
        );
    }
    s.fake
        .inject(Fault::new(FaultKind::NotJson).on("POST", "/v1/oauth/token"));
    let refresh = RefreshToken::new("dor_v1_anything");
    assert!(matches!(
        kind(s.client.refresh(&s.oauth_app(), &refresh).await),
        ErrorKind::UnexpectedAnswer { .. }
    ));
    s.fake
        .inject(Fault::new(FaultKind::Drop).on("POST", "/v1/oauth/token"));
    assert!(matches!(
        kind(s.client.refresh(&s.oauth_app(), &refresh).await),
        ErrorKind::Transport
    ));
}

#[tokio::test]
async fn a_hanging_token_endpoint_times_out_in_time() {
    let s = Setup::with(FakeConfig::default(), |c| {
        c.request_timeout = Duration::from_millis(300)
    })
    .await;
    s.fake
        .inject(Fault::new(FaultKind::Hang).on("POST", "/v1/oauth/token"));
    let started = Instant::now();
    let refresh = RefreshToken::new("dor_v1_anything");
    assert_eq!(
        kind(s.client.refresh(&s.oauth_app(), &refresh).await),
        ErrorKind::Timeout
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        s.fake.request_count("POST", "/v1/oauth/token"),
        1,
        "never retried"
    );
}

#[tokio::test]
async fn ssh_keys_by_fingerprint_and_the_duplicate() {
    let s = Setup::new().await;
    let token = s.potions_token();
    let (public_key, _) = domain::ssh::generate_ed25519("potions");
    let fingerprint = domain::ssh::md5_fingerprint(&public_key).unwrap();
    let key = s
        .client
        .create_ssh_key(&token, "Potions", &public_key)
        .await
        .unwrap()
        .value;
    assert_eq!(
        key.fingerprint, fingerprint,
        "our fingerprint is DigitalOcean's"
    );
    let again = s
        .client
        .create_ssh_key(&token, "Potions", &public_key)
        .await;
    assert!(matches!(kind(again), ErrorKind::Unprocessable { .. }));
    assert_eq!(
        s.client.ssh_key(&token, &fingerprint).await.unwrap().value,
        Some(key.clone())
    );
    assert_eq!(
        s.client.ssh_keys(&token).await.unwrap().value,
        vec![key.clone()]
    );
    assert_eq!(
        s.client
            .delete_ssh_key(&token, &fingerprint)
            .await
            .unwrap()
            .value,
        Deleted::Now
    );
    assert_eq!(
        s.client
            .delete_ssh_key(&token, &key.id.to_string())
            .await
            .unwrap()
            .value,
        Deleted::AlreadyGone
    );
    assert_eq!(
        s.client.ssh_key(&token, &fingerprint).await.unwrap().value,
        None
    );
    // Nothing but an id or a fingerprint goes into a path.
    assert_eq!(
        kind(s.client.ssh_key(&token, "../droplets").await),
        ErrorKind::NotFound
    );
    assert_eq!(s.fake.request_count("GET", "/v2/droplets"), 0);
}

#[tokio::test]
async fn lists_follow_every_page() {
    let s = Setup::new().await;
    let token = s.potions_token();
    for i in 0..205 {
        let (public_key, _) = domain::ssh::generate_ed25519(&format!("k{i}"));
        s.client
            .create_ssh_key(&token, &format!("k{i}"), &public_key)
            .await
            .unwrap();
    }
    assert_eq!(s.client.ssh_keys(&token).await.unwrap().value.len(), 205);
    assert_eq!(s.fake.request_count("GET", "/v2/account/keys"), 2);
}

#[tokio::test]
async fn hostile_next_links_are_refused() {
    let s = Setup::new().await;
    let token = s.potions_token();
    let base = s.fake.api_base_url();
    let links = [
        format!("{base}/v2/regions?page=1&per_page=200"),
        "https://evil.example/v2/regions?page=2".to_string(),
        format!("{base}/v2/account?page=2"),
    ];
    for next in links {
        let body = json!({ "regions": [], "links": { "pages": { "next": next } }, "meta": { "total": 1000 } });
        s.fake.inject(
            Fault::new(FaultKind::Json { status: 200, body })
                .on("GET", "/v2/regions")
                .times(60),
        );
        let err = s.client.regions(&token).await.unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::UnexpectedAnswer { .. }),
            "{next}: {err:?}"
        );
        s.fake.clear_faults();
    }
    // Links that lead onward forever end at the page cap.
    for page in 2..=60 {
        let next = format!("{base}/v2/regions?page={page}&per_page=200");
        let body = json!({ "regions": [], "links": { "pages": { "next": next } }, "meta": { "total": 1000 } });
        s.fake
            .inject(Fault::new(FaultKind::Json { status: 200, body }).on("GET", "/v2/regions"));
    }
    assert!(matches!(
        kind(s.client.regions(&token).await),
        ErrorKind::UnexpectedAnswer { .. }
    ));
    assert_eq!(s.fake.request_count("GET", "/v2/regions"), 3 + 50);
}

#[tokio::test]
async fn droplets_are_created_awaited_listed_and_deleted() {
    let s = Setup::new().await;
    let token = s.potions_token();
    s.client.ensure_tag(&token, POTIONS_TAG).await.unwrap();
    s.client.ensure_tag(&token, POTIONS_TAG).await.unwrap();
    let (public_key, _) = domain::ssh::generate_ed25519("potions");
    let key = s
        .client
        .create_ssh_key(&token, "Potions", &public_key)
        .await
        .unwrap()
        .value;
    let new = NewDroplet {
        name: "web-1".into(),
        region: "fra1".into(),
        size: "s-1vcpu-1gb".into(),
        image: "ubuntu-24-04-x64".into(),
        ssh_keys: vec![key.fingerprint.clone()],
        tags: vec![POTIONS_TAG.into()],
        ipv6: true,
        user_data: None,
    };
    let created = s.client.create_droplet(&token, &new).await.unwrap().value;
    assert_eq!(created.droplet.status, DropletStatus::New);
    assert_eq!(created.droplet.public_ipv4(), None);
    let action = s
        .client
        .wait_for_action(&token, created.action_id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(action.status, ActionStatus::Completed);
    assert_eq!(action.resource_id, Some(created.droplet.id));
    let droplet = s
        .client
        .droplet(&token, created.droplet.id)
        .await
        .unwrap()
        .value;
    assert_eq!(droplet.status, DropletStatus::Active);
    assert!(droplet.public_ipv4().is_some() && droplet.public_ipv6().is_some());
    assert!(droplet.is_managed_by_potions());
    assert_eq!(
        s.client
            .droplets(&token, Some(POTIONS_TAG))
            .await
            .unwrap()
            .value
            .len(),
        1
    );
    assert_eq!(
        s.client
            .droplets(&token, Some("other"))
            .await
            .unwrap()
            .value
            .len(),
        0
    );

    let not_here = NewDroplet {
        region: "sgp1".into(),
        size: "s-2vcpu-4gb".into(),
        ..new.clone()
    };
    assert!(matches!(
        kind(s.client.create_droplet(&token, &not_here).await),
        ErrorKind::Unprocessable { .. }
    ));

    assert_eq!(
        s.client
            .delete_droplet(&token, droplet.id)
            .await
            .unwrap()
            .value,
        Deleted::Now
    );
    assert_eq!(
        s.client
            .delete_droplet(&token, droplet.id)
            .await
            .unwrap()
            .value,
        Deleted::AlreadyGone
    );
    assert_eq!(
        kind(s.client.droplet(&token, droplet.id).await),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn the_catalogue_and_the_account() {
    let s = Setup::new().await;
    let token = s.potions_token();
    let regions = s.client.regions(&token).await.unwrap().value;
    assert!(regions.iter().any(|r| !r.available));
    let sizes = s.client.sizes(&token).await.unwrap().value;
    assert!(sizes.iter().any(|z| z.sold_in("fra1")) && sizes.iter().any(|z| !z.sold_in("sgp1")));
    let images = s.client.distribution_images(&token).await.unwrap().value;
    assert!(images
        .iter()
        .any(|i| i.slug.as_deref() == Some("debian-12-x64")));

    s.fake
        .set_account(&s.user, digitalocean_fake::AccountStatus::Locked, false);
    let account = s.client.account(&token).await.unwrap().value;
    assert_eq!(
        (account.status, account.email_verified),
        (AccountStatus::Locked, false)
    );
    assert_eq!(account.team.map(|t| t.uuid), Some(s.team().uuid.clone()));
}

#[tokio::test]
async fn every_error_row_is_typed_with_its_request_id() {
    let s = Setup::new().await;
    let token = s.potions_token();
    assert_eq!(
        kind(s.client.account(&AccessToken::new("doo_v1_unknown")).await),
        ErrorKind::Unauthorized
    );
    let account_only = s.token(&["account:read"]);
    let err = s.client.regions(&account_only).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(err.request_id.is_some());
    assert_eq!(kind(s.client.droplet(&token, 1).await), ErrorKind::NotFound);

    // A 429 and 5xx on a read are retried; the read then succeeds.
    let before = s.fake.request_count("GET", "/v2/account");
    s.fake
        .inject(Fault::error(429, "too_many_requests").on("GET", "/v2/account"));
    s.fake
        .inject(Fault::error(503, "server_error").on("GET", "/v2/account"));
    s.client.account(&token).await.unwrap();
    assert_eq!(s.fake.request_count("GET", "/v2/account") - before, 3);

    // A 5xx on a POST may have been applied: never repeated.
    s.fake
        .inject(Fault::error(500, "server_error").on("POST", "/v2/tags"));
    assert_eq!(
        kind(s.client.ensure_tag(&token, "x").await),
        ErrorKind::ServerError { status: 500 }
    );
    assert_eq!(s.fake.request_count("POST", "/v2/tags"), 1);
    // A 429 on a POST says nothing was done: repeated.
    s.fake
        .inject(Fault::error(429, "too_many_requests").on("POST", "/v2/tags"));
    s.client.ensure_tag(&token, "x").await.unwrap();
    assert_eq!(s.fake.request_count("POST", "/v2/tags"), 3);

    // Retries end: a rate limit that does not lift is told with its wait.
    s.fake.inject(
        Fault::error(429, "too_many_requests")
            .on("GET", "/v2/sizes")
            .times(10),
    );
    let err = s.client.sizes(&token).await.unwrap_err();
    assert!(
        matches!(
            err.kind,
            ErrorKind::RateLimited {
                retry_after_secs: Some(1),
                reset_at: Some(_)
            }
        ),
        "{err:?}"
    );

    s.fake
        .inject(Fault::new(FaultKind::NotJson).on("GET", "/v2/regions"));
    assert!(matches!(
        kind(s.client.regions(&token).await),
        ErrorKind::UnexpectedAnswer { .. }
    ));
    s.fake.inject(
        Fault::new(FaultKind::Drop)
            .on("GET", "/v2/regions")
            .times(4),
    );
    assert_eq!(kind(s.client.regions(&token).await), ErrorKind::Transport);
    let shapeless = json!({ "account": { "uuid": 5 } });
    s.fake.inject(
        Fault::new(FaultKind::Json {
            status: 200,
            body: shapeless,
        })
        .on("GET", "/v2/account"),
    );
    assert!(matches!(
        kind(s.client.account(&token).await),
        ErrorKind::UnexpectedAnswer { .. }
    ));
}

#[tokio::test]
async fn hangs_and_oversized_answers_end_within_the_deadline() {
    let s = Setup::with(FakeConfig::default(), |c| {
        c.request_timeout = Duration::from_millis(200);
        c.retry.deadline = Duration::from_secs(1);
        c.max_response_bytes = 1024;
    })
    .await;
    let token = s.potions_token();
    s.fake.inject(
        Fault::new(FaultKind::Hang)
            .on("GET", "/v2/account")
            .times(10),
    );
    let started = Instant::now();
    assert_eq!(kind(s.client.account(&token).await), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The catalogue of sizes is larger than 1 KiB.
    assert!(matches!(
        kind(s.client.sizes(&token).await),
        ErrorKind::UnexpectedAnswer { .. }
    ));
}

#[test]
fn no_secret_reaches_a_log_line() {
    let captured = testkit::LogCapture::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let secrets = runtime.block_on(async {
        let s = Setup::new().await;
        let pkce = Pkce::generate();
        let (code, _) = s.authorize("Acme", &pkce).await;
        let app = s.oauth_app();
        let grant = s.client.exchange_code(&app, &code, &pkce.verifier).await.unwrap();
        let _ = s.client.exchange_code(&app, &code, &pkce.verifier).await;
        s.fake.inject(Fault::error(503, "server_error").times(2));
        let _ = s.client.account(&grant.access_token).await;
        let renewed = s.client.refresh(&app, &grant.refresh_token).await.unwrap();
        let _ = s.client.account(&grant.access_token).await;
        let refresh = Some(&renewed.refresh_token);
        s.client.revoke_grant(&renewed.access_token, refresh).await.unwrap();
        tracing::info!(token = ?renewed.access_token, refresh = %renewed.refresh_token, "formatting secrets");
        vec![
            grant.access_token.expose_secret().to_string(),
            grant.refresh_token.expose_secret().to_string(),
            renewed.access_token.expose_secret().to_string(),
            renewed.refresh_token.expose_secret().to_string(),
            code.expose_secret().to_string(),
            pkce.verifier.expose_secret().to_string(),
            s.app.client_secret.clone(),
        ]
    });
    let logs = captured.text();
    assert!(
        logs.contains("digitalocean refused"),
        "the capture works: {logs}"
    );
    for secret in secrets {
        assert!(!logs.contains(&secret[..16]), "a secret reached the logs");
    }
}
