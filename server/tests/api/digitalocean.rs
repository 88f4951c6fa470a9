//! Connecting DigitalOcean teams by OAuth, against the fake DigitalOcean:
//! every outcome of the callback, tokens replaced in place, refresh one
//! instance at a time, access lost and Reconnect, and Disconnect revoking.

use crate::support::{
    location, path_of, Backend, DisconnectConnection, RecheckConnection, StartDigitaloceanConnect,
    TestApp, WithDigitalOcean,
};
use app::error::{AppError, Refusal};
use digitalocean_fake::{AccountStatus, Fault, FaultKind};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::StatusCode;
use std::time::Duration;

const POTIONS_SCOPES: &[&str] = domain::providers::digitalocean::SCOPES;

on_both_backends!(
    a_team_connects_end_to_end,
    refused_callbacks_store_nothing,
    the_team_refuses_and_digitalocean_fails,
    digitalocean_failing_at_each_step,
    refresh_runs_once_across_instances,
    refreshes_outlive_their_requests_and_are_never_resent_blind,
    access_lost_then_reconnect_keeps_the_connection,
    disconnect_revokes_at_digitalocean,
    a_reconnect_revokes_the_grant_it_replaces,
    without_set_up_digitalocean_is_not_offered,
    rechecks_are_limited_like_token_checks,
);

/// A team's re-checks count against the same limits as a token's checks:
/// per user and per connection; the one over the limit sends nothing.
async fn rechecks_are_limited_like_token_checks(backend: Backend) {
    let limited = |s: &mut server::config::Settings| {
        s.token_checks_per_user = 5;
        s.token_checks_per_token = 2;
    };
    let Some(w) = WithDigitalOcean::spawn_with(backend, limited).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let recheck = || RecheckConnection { id: id.clone() };
    for _ in 0..2 {
        w.app.invoke(recheck(), &cookie).await.ok();
    }
    let sent = w.fake.request_count("GET", "/v2/account");
    let refused = w.app.invoke(recheck(), &cookie).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(refused.refused(), AppError(Refusal::Throttled(_))));
    assert_eq!(
        w.fake.request_count("GET", "/v2/account"),
        sent,
        "nothing sent"
    );
}

async fn connections(w: &WithDigitalOcean) -> i64 {
    w.app.count("SELECT COUNT(*) FROM connections").await
}

async fn a_team_connects_end_to_end(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let dashboard = w.app.page("/", &cookie).await;
    assert!(
        dashboard.contains("href=\"/connect/digitalocean\""),
        "{dashboard}"
    );
    // Continue leads to DigitalOcean: the policy lets that one form redirect through.
    let res = w.app.get("/connect/digitalocean", Some(&cookie)).await;
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let oauth_origin = w.fake.oauth_base_url().replace("/v1/oauth", "");
    assert!(
        policy.contains(&format!("form-action 'self' {oauth_origin};")),
        "{policy}"
    );
    let page = w.app.page("/connect/digitalocean", &cookie).await;
    assert!(page.contains("Continue to DigitalOcean") && page.contains("droplet:create"));
    assert!(!page.contains("read write"));

    let authorize = w.start(&cookie, "", "").await;
    assert!(
        authorize.starts_with(&format!("{}/authorize?", w.fake.oauth_base_url())),
        "{authorize}"
    );
    assert!(authorize.contains("code_challenge_method=S256") && authorize.contains("state="));
    assert!(!authorize.contains(&w.registered.client_secret));
    let back = w.consent(&authorize, "Acme", true).await;
    assert!(
        back.starts_with(&w.app.url("/connect/digitalocean/callback?")),
        "{back}"
    );
    let to = w.arrive(&back, Some(&cookie)).await;
    let id = to.strip_prefix("/?connected=").unwrap().to_string();
    // The user's Potions key is in the team now.
    let acme = w.user.teams.iter().find(|t| t.name == "Acme").unwrap();
    assert_eq!(w.fake.ssh_keys(acme).len(), 1);
    // A droplet in the team shows in the Dashboard's count and on the project page.
    let token = w
        .fake
        .grant(&w.registered, &w.user, acme, POTIONS_SCOPES)
        .access;
    let created = reqwest::Client::new()
        .post(format!("{}/v2/droplets", w.fake.api_base_url()))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "name": "web-1", "region": "fra1", "size": "s-1vcpu-1gb", "image": "debian-12-x64",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::ACCEPTED);
    let dashboard = w.app.page(&to, &cookie).await;
    assert!(
        dashboard.contains("Connected \u{201c}Acme\u{201d}"),
        "{dashboard}"
    );
    assert!(dashboard.contains("DigitalOcean · 1 server"), "{dashboard}");
    let account = w.app.page("/account", &cookie).await;
    assert!(account.contains("DigitalOcean") && account.contains("Acme"));
    let project = w.app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        project.contains("web-1") && project.contains("s-1vcpu-1gb") && project.contains("fra1")
    );

    // The same team again replaces its tokens in place; another team is another connection.
    let again = w.connect_team_to(&cookie, "Acme").await;
    assert_eq!(again, format!("/?connected={id}&replaced=1"));
    assert!(w
        .app
        .page(&again, &cookie)
        .await
        .contains("Reconnected \u{201c}Acme\u{201d}"));
    let other = w.connect_team(&cookie, "Sammy's team").await;
    assert_ne!(other, id);
    assert_eq!(connections(&w).await, 2);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM oauth_states").await,
        0,
        "every state was used up"
    );
}

async fn refused_callbacks_store_nothing(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let outcome = |to: String| {
        to.strip_prefix("/connect/digitalocean?outcome=")
            .map(str::to_string)
            .unwrap_or(to)
    };

    // Denied at DigitalOcean.
    let back = w
        .consent(&w.start(&cookie, "", "").await, "Acme", false)
        .await;
    let to = w.arrive(&back, Some(&cookie)).await;
    assert_eq!(outcome(to.clone()), "denied");
    let page = w.app.page(&to, &cookie).await;
    assert!(
        page.contains("You didn&#x27;t give Potions access")
            || page.contains("You didn't give Potions access")
    );

    // A state changed on the way back, a missing one, and both code and error.
    let back = w
        .consent(&w.start(&cookie, "", "").await, "Acme", true)
        .await;
    let forged = back.replacen("state=", "state=x", 1);
    assert_eq!(outcome(w.arrive(&forged, Some(&cookie)).await), "expired");
    let stateless: String = back
        .split('&')
        .filter(|p| !p.contains("state="))
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        outcome(w.arrive(&stateless, Some(&cookie)).await),
        "expired"
    );
    // Another user's session cannot use the flow, nor use it up.
    let mallory = w.app.sign_up("mallory@example.com").await;
    assert_eq!(outcome(w.arrive(&back, Some(&mallory)).await), "expired");
    assert!(w
        .arrive(&back, Some(&cookie))
        .await
        .starts_with("/?connected="));
    // Used once, a state works no more.
    assert_eq!(outcome(w.arrive(&back, Some(&cookie)).await), "expired");

    let back = w
        .consent(&w.start(&cookie, "", "").await, "Sammy's team", true)
        .await;
    let both = format!("{back}&error=access_denied");
    assert_eq!(outcome(w.arrive(&both, Some(&cookie)).await), "denied");

    // An expired state.
    let back = w
        .consent(&w.start(&cookie, "", "").await, "Sammy's team", true)
        .await;
    sqlx::query("UPDATE oauth_states SET expires_at = 0")
        .execute(&mut w.app.db().await)
        .await
        .unwrap();
    assert_eq!(outcome(w.arrive(&back, Some(&cookie)).await), "expired");

    // A code issued to another client.
    let other_app = w
        .fake
        .add_app("Other", &w.app.url("/connect/digitalocean/callback"));
    let ours = w
        .consent(&w.start(&cookie, "", "").await, "Sammy's team", true)
        .await;
    let foreign_url = w
        .start(&cookie, "", "")
        .await
        .replace(&w.registered.client_id, &other_app.client_id);
    let foreign = w.consent(&foreign_url, "Sammy's team", true).await;
    let code = |url: &str| {
        url.split(['?', '&'])
            .find_map(|p| p.strip_prefix("code="))
            .unwrap()
            .to_string()
    };
    let swapped = ours.replace(&code(&ours), &code(&foreign));
    assert_eq!(outcome(w.arrive(&swapped, Some(&cookie)).await), "refused");

    // Signed out: to sign-in, nothing used.
    assert!(w.arrive(&ours, None).await.starts_with("/login?next="));
    assert_eq!(
        connections(&w).await,
        1,
        "only the one good callback stored a connection"
    );
}

async fn the_team_refuses_and_digitalocean_fails(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let attempt = || async {
        let back = w
            .consent(&w.start(&cookie, "", "").await, "Acme", true)
            .await;
        let to = w.arrive(&back, Some(&cookie)).await;
        to.strip_prefix("/connect/digitalocean?outcome=")
            .unwrap_or(&to)
            .to_string()
    };
    w.fake.set_account(&w.user, AccountStatus::Locked, true);
    assert_eq!(attempt().await, "locked");
    w.fake.set_account(&w.user, AccountStatus::Active, false);
    assert_eq!(attempt().await, "unverified");
    w.fake.set_account(&w.user, AccountStatus::Active, true);
    // Nothing left behind at DigitalOcean either: each grant was revoked.
    assert_eq!(w.fake.revoke_user_tokens(&w.user), 0);

    w.fake
        .inject(Fault::error(403, "forbidden").on("GET", "/v2/account"));
    assert_eq!(attempt().await, "permission");
    w.fake
        .inject(Fault::error(503, "server_error").on("POST", "/v1/oauth/token"));
    assert_eq!(attempt().await, "unreachable");
    w.fake
        .inject(Fault::new(FaultKind::Hang).on("POST", "/v1/oauth/token"));
    assert_eq!(attempt().await, "unreachable");
    let page = w
        .app
        .page("/connect/digitalocean?outcome=unreachable", &cookie)
        .await;
    assert!(page.contains("reach DigitalOcean"), "{page}");
    assert_eq!(connections(&w).await, 0);
}

async fn digitalocean_failing_at_each_step(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let attempt = |fault: Fault| {
        let (w, cookie) = (&w, cookie.clone());
        async move {
            let back = w
                .consent(&w.start(&cookie, "", "").await, "Acme", true)
                .await;
            w.fake.inject(fault);
            let to = w.arrive(&back, Some(&cookie)).await;
            w.fake.clear_faults();
            to.strip_prefix("/connect/digitalocean?outcome=")
                .unwrap_or(&to)
                .to_string()
        }
    };
    let missing_refresh = serde_json::json!({
        "access_token": "doo_v1_x", "token_type": "bearer", "expires_in": 2_592_000,
        "info": { "name": "S", "email": "e", "uuid": "u", "team_uuid": "t", "team_name": "T" },
    });
    let cases = [
        (
            Fault::error(429, "too_many_requests").on("POST", "/v1/oauth/token"),
            "rate-limited",
        ),
        (
            Fault::new(FaultKind::Json {
                status: 200,
                body: missing_refresh,
            })
            .on("POST", "/v1/oauth/token"),
            "unreachable",
        ),
        (
            Fault::error(503, "server_error")
                .on("GET", "/v2/account")
                .times(10),
            "unreachable",
        ),
        (
            Fault::error(500, "server_error").on("POST", "/v2/account/keys"),
            "unreachable",
        ),
        (
            Fault::new(FaultKind::Drop)
                .on("GET", "/v2/account/keys")
                .times(10),
            "unreachable",
        ),
    ];
    for (fault, word) in cases {
        assert_eq!(attempt(fault.clone()).await, word, "{fault:?}");
    }
    let page = w
        .app
        .page("/connect/digitalocean?outcome=rate-limited", &cookie)
        .await;
    assert!(
        page.contains("DigitalOcean is limiting requests right now"),
        "{page}"
    );
    assert_eq!(connections(&w).await, 0, "nothing half-stored");

    // An account locked after connecting: a re-check says so.
    let id = w.connect_team(&cookie, "Acme").await;
    w.fake.set_account(&w.user, AccountStatus::Locked, true);
    let refused = w.app.invoke(RecheckConnection { id }, &cookie).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.refused(),
        AppError(Refusal::DigitalOceanAccountLocked)
    );
}

/// Re-checks connection `id` through the instance at `base`, giving up after
/// `timeout`: its answer's status, or the client's error.
async fn recheck_through(
    w: &WithDigitalOcean,
    base: &str,
    cookie: &str,
    id: &str,
    timeout: Duration,
) -> reqwest::Result<StatusCode> {
    w.app
        .client
        .post(format!("{base}{}", path_of::<RecheckConnection>()))
        .timeout(timeout)
        .header(ACCEPT, "application/json")
        .header(ORIGIN, base)
        .header(COOKIE, cookie)
        .form(&[("id", id)])
        .send()
        .await
        .map(|res| res.status())
}

/// Every team's token expires within the hour, for Potions: its next use refreshes it.
async fn in_its_last_day(w: &WithDigitalOcean) {
    let sql = format!(
        "UPDATE connections SET token_expires_at = {}",
        domain::clock::now_unix() + 3600
    );
    sqlx::query(&sql)
        .execute(&mut w.app.db().await)
        .await
        .unwrap();
}

async fn refresh_runs_once_across_instances(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let second = w.second_instance().await;
    // The token is in its last day (for Potions and DigitalOcean alike): the next use refreshes it.
    let last_day = || in_its_last_day(&w);
    w.fake
        .advance_clock(Duration::from_secs(30 * 24 * 3600 - 3600));
    last_day().await;
    let exchanges_before = w.fake.request_count("POST", "/v1/oauth/token");
    let recheck = |base: String| {
        let (w, cookie, id) = (&w, cookie.clone(), id.clone());
        async move {
            recheck_through(w, &base, &cookie, &id, Duration::from_secs(30))
                .await
                .unwrap()
        }
    };
    let (a, b) = tokio::join!(recheck(w.app.base_url.clone()), recheck(second));
    assert_eq!((a, b), (StatusCode::OK, StatusCode::OK));
    assert_eq!(
        w.fake.request_count("POST", "/v1/oauth/token") - exchanges_before,
        1,
        "one refresh"
    );
    // The stored pair works: a month later it refreshes again.
    w.fake.advance_clock(Duration::from_secs(29 * 24 * 3600));
    last_day().await;
    let recheck = RecheckConnection { id: id.clone() };
    w.app.invoke(recheck, &cookie).await.ok();
    assert_eq!(
        w.fake.request_count("POST", "/v1/oauth/token") - exchanges_before,
        2
    );
    // Each refresh is in the activity log, once.
    let refreshed = "SELECT COUNT(*) FROM activity WHERE action = 'connection.refreshed' \
                     AND outcome = 'ok'";
    assert_eq!(w.app.count(refreshed).await, 2);
}

/// A refresh runs on though the request that needed it is cancelled (the
/// browser gave up while DigitalOcean was slow), and its pair is stored. A
/// refresh whose answer never came is not sent again blind: the old access
/// token shows whether it was applied (it still works: send it again; it is
/// refused: the pair was lost, and the connection needs attention).
async fn refreshes_outlive_their_requests_and_are_never_resent_blind(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let last_day = || in_its_last_day(&w);
    let recheck = |timeout: Duration| recheck_through(&w, &w.app.base_url, &cookie, &id, timeout);
    let patient = Duration::from_secs(30);
    let version = "SELECT token_version FROM connections";
    let refreshes = || w.fake.request_count("POST", "/v1/oauth/token");

    // The browser gives up while DigitalOcean answers slowly: the pair lands.
    last_day().await;
    w.fake
        .inject(Fault::new(FaultKind::AnswerLate { ms: 600 }).on("POST", "/v1/oauth/token"));
    // (within the 1 s the test instance waits for DigitalOcean)
    assert!(
        recheck(Duration::from_millis(150)).await.is_err(),
        "gave up"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while w.app.count(version).await != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the refresh was dropped with its request"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        recheck(patient).await.unwrap(),
        StatusCode::OK,
        "the new pair works"
    );

    // Unanswered, and never applied: the old access token still works, so
    // the refresh token is sent again.
    last_day().await;
    w.fake
        .inject(Fault::new(FaultKind::Hang).on("POST", "/v1/oauth/token"));
    assert_eq!(recheck(patient).await.unwrap(), StatusCode::BAD_GATEWAY);
    let unknown = "SELECT refresh_outcome_unknown FROM connections";
    assert_eq!(w.app.count(unknown).await, 1);
    assert_eq!(recheck(patient).await.unwrap(), StatusCode::OK);
    assert_eq!(w.app.count(version).await, 2);
    assert_eq!(w.app.count(unknown).await, 0);

    // Unanswered, and applied: the pair went with the answer. The refresh
    // token is not sent again, and the connection needs attention.
    last_day().await;
    w.fake
        .inject(Fault::new(FaultKind::AnswerLost).on("POST", "/v1/oauth/token"));
    assert_eq!(recheck(patient).await.unwrap(), StatusCode::BAD_GATEWAY);
    let sent = refreshes();
    assert_eq!(recheck(patient).await.unwrap(), StatusCode::CONFLICT);
    assert_eq!(
        refreshes(),
        sent,
        "the used refresh token was not sent again"
    );
    let needs_attention = "SELECT COUNT(*) FROM connections WHERE status = 'needs_attention'";
    assert_eq!(w.app.count(needs_attention).await, 1);
}

async fn access_lost_then_reconnect_keeps_the_connection(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let rename = crate::support::RenameConnection {
        id: id.clone(),
        label: "Prod".into(),
    };
    w.app.invoke(rename, &cookie).await.ok();
    w.fake.revoke_user_tokens(&w.user);
    let recheck = RecheckConnection { id: id.clone() };
    let refused = w.app.invoke(recheck, &cookie).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.refused(), AppError(Refusal::DigitalOceanAccessLost));
    let project = w.app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(project.contains("Reconnect"), "{project}");

    // Reconnecting with another team is refused; with the same team it keeps id and label.
    let authorize = w.start(&cookie, "", &id).await;
    let back = w.consent(&authorize, "Sammy's team", true).await;
    assert_eq!(
        w.arrive(&back, Some(&cookie)).await,
        "/connect/digitalocean?outcome=other-team"
    );
    let to = w.connect_team_with(&cookie, "Acme", &id).await;
    assert_eq!(to, format!("/?connected={id}&replaced=1"));
    let account = w.app.page("/account", &cookie).await;
    assert!(
        account.contains("Prod") && !account.contains("Needs attention"),
        "{account}"
    );
    assert_eq!(connections(&w).await, 1);
}

async fn disconnect_revokes_at_digitalocean(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let confirm = w
        .app
        .page(&format!("/account/connections/{id}/disconnect"), &cookie)
        .await;
    assert!(
        confirm.contains("revokes its access at DigitalOcean"),
        "{confirm}"
    );
    let res = w
        .app
        .post_form(
            path_of::<DisconnectConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), "/account?disconnected=1");
    assert_eq!(
        w.fake.revoke_user_tokens(&w.user),
        0,
        "the grant was revoked"
    );
    assert_eq!(connections(&w).await, 0);

    // DigitalOcean failing to revoke: the connection still goes, and the user is told where to revoke.
    let id = w.connect_team(&cookie, "Acme").await;
    w.fake
        .inject(Fault::error(500, "server_error").on("POST", "/v1/oauth/revoke"));
    let res = w
        .app
        .post_form(
            path_of::<DisconnectConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    let to = location(&res);
    assert_eq!(to, "/account?disconnected=1&revoke=digitalocean");
    assert!(w
        .app
        .page(&to, &cookie)
        .await
        .contains("Authorized applications"));
    assert_eq!(connections(&w).await, 0);
}

/// Reconnecting a working team (to grant more access, say) stores a new
/// grant and revokes the one it replaces, refresh token and all: no live
/// grant is left behind at DigitalOcean.
async fn a_reconnect_revokes_the_grant_it_replaces(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let to = w.connect_team_with(&cookie, "Acme", &id).await;
    assert_eq!(to, format!("/?connected={id}&replaced=1"));
    assert_eq!(
        w.fake.revoke_user_tokens(&w.user),
        1,
        "only the new grant was alive"
    );
}

async fn without_set_up_digitalocean_is_not_offered(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let cookie = app.sign_up("ada@example.com").await;
    let dashboard = app.page("/", &cookie).await;
    assert!(
        dashboard.contains("Not set up on this Potions instance"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("href=\"/connect/digitalocean\""));
    let res = app.get("/connect/digitalocean", Some(&cookie)).await;
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("form-action 'self';"), "{policy}");
    let page = app.page("/connect/digitalocean", &cookie).await;
    assert!(page.contains("set up on this Potions instance"), "{page}");
    let start = StartDigitaloceanConnect {
        label: String::new(),
        reconnect: None,
    };
    let refused = app.invoke(start, &cookie).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.refused(), AppError(Refusal::DigitalOceanNotSetUp));
    let res = app
        .get(
            "/connect/digitalocean/callback?code=x&state=y",
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), "/connect/digitalocean?outcome=not-set-up");
}
