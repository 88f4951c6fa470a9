//! Connecting Hetzner Cloud projects over HTTP, on SQLite and PostgreSQL,
//! against the in-process fake Hetzner.

use crate::support::{location, TestApp};
use crate::support::{
    path_of, ConnectHetzner, DisconnectConnection, ListConnections, RecheckConnection,
    RenameConnection,
};
use app::error::{AppError, Refusal};
use hetzner_fake::{Fault, FaultKind};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

on_both_databases!(
    a_read_write_token_connects_and_shows_on_dashboard_and_account,
    every_failed_check_says_why_and_stores_nothing,
    a_token_is_connected_once_per_user,
    reconnecting_reuses_the_potions_ssh_key,
    two_users_connect_the_same_project_independently,
    disconnect_forgets_the_token_and_leaves_hetzner_alone,
    another_users_connection_is_not_found,
    rename_and_recheck,
);

async fn rows(app: &TestApp) -> (i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM connections").await,
        app.count("SELECT COUNT(*) FROM user_ssh_keys").await,
    )
}

async fn a_read_write_token_connects_and_shows_on_dashboard_and_account(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("prod");
    app.fake
        .seed_server(&project, "web-1", "cx22", "fsn1")
        .unwrap();
    app.fake
        .seed_server(&project, "web-2", "cx22", "nbg1")
        .unwrap();
    let id = app
        .connect_ok(
            &cookie,
            "  Production  ",
            &format!(" {}\n", project.read_write_token),
        )
        .await;

    let dashboard = app.page(&format!("/?connected={id}"), &cookie).await;
    assert!(
        dashboard.contains("Connected \u{201c}Production\u{201d}."),
        "success notice"
    );
    assert!(
        dashboard.contains("Production") && dashboard.contains("2 servers"),
        "{dashboard}"
    );
    let account = app.page("/account", &cookie).await;
    assert!(
        account.contains("Production")
            && account.contains("Hetzner Cloud")
            && account.contains("Connected")
    );
    for page in [&account, &dashboard] {
        let resources = page
            .split("__RESOLVED_RESOURCES")
            .skip(1)
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(
            !resources.contains("Err"),
            "every resource resolved without error: {resources}"
        );
    }

    let keys = app.fake.ssh_keys(&project);
    assert_eq!(keys.len(), 1, "the Potions key was uploaded");
    assert_eq!(
        keys[0].labels.get("managed-by").map(String::as_str),
        Some("potions")
    );
    assert_eq!(rows(&app).await, (1, 1));
    // One round trip: the read and the write ran concurrently, nothing else.
    assert_eq!(app.fake.request_count("GET", "/v1/servers"), 1);
    assert_eq!(app.fake.request_count("POST", "/v1/ssh_keys"), 1);
}

async fn every_failed_check_says_why_and_stores_nothing(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let good = project.read_write_token.clone();
    let malformed = [
        String::new(),
        good[..63].to_string(),
        format!("{good}x"),
        format!("{}-", &good[..63]),
        "a".repeat(10_000),
    ];
    for token in &malformed {
        let res = app.connect(&cookie, "", token).await;
        app.assert_form_error_as(
            res,
            "/connect/hetzner",
            "That doesn't look like a Hetzner API token.",
            Some(&cookie),
        )
        .await;
    }
    assert_eq!(
        app.fake.exchanges().len(),
        0,
        "a malformed token never reaches Hetzner"
    );

    let rejected = "Hetzner rejected this token. Make sure it has Read &amp; Write permissions \
        and belongs to the right project.";
    let read_only = "This token is Read-only. Potions needs Read &amp; Write to create servers";
    let unreachable =
        "Potions couldn't reach Hetzner, so nothing was saved. Try again in a moment.";
    let res = app.connect(&cookie, "", &project.read_only_token).await;
    app.assert_form_error_as(res, "/connect/hetzner", read_only, Some(&cookie))
        .await;
    let res = app.connect(&cookie, "", &"Q".repeat(64)).await;
    app.assert_form_error_as(res, "/connect/hetzner", rejected, Some(&cookie))
        .await;

    for status_code in [(500, "server_error"), (503, "unavailable")] {
        app.fake
            .inject(Fault::error(status_code.0, status_code.1).times(8));
        let res = app.connect(&cookie, "", &good).await;
        app.assert_form_error_as(res, "/connect/hetzner", unreachable, Some(&cookie))
            .await;
        app.fake.clear_faults();
    }
    for kind in [FaultKind::NotJson, FaultKind::Drop] {
        app.fake.inject(Fault::new(kind.clone()).times(8));
        let res = app.connect(&cookie, "", &good).await;
        app.assert_form_error_as(res, "/connect/hetzner", unreachable, Some(&cookie))
            .await;
        app.fake.clear_faults();
    }
    app.fake.inject(Fault::new(FaultKind::Hang).times(8));
    let started = Instant::now();
    let res = app.connect(&cookie, "", &good).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a hang ends within the timeout: {:?}",
        started.elapsed()
    );
    app.assert_form_error_as(res, "/connect/hetzner", unreachable, Some(&cookie))
        .await;
    app.fake.clear_faults();

    app.fake.exhaust_rate_limit(&project);
    let res = app.connect(&cookie, "", &good).await;
    app.assert_form_error_as(
        res,
        "/connect/hetzner",
        "Hetzner is limiting requests for this project right now. Try again in 60 minutes.",
        Some(&cookie),
    )
    .await;

    let res = app.connect(&cookie, &"L".repeat(65), &good).await;
    app.assert_form_error_as(
        res,
        "/connect/hetzner",
        "Keep the label to 64 characters or fewer.",
        Some(&cookie),
    )
    .await;
    assert_eq!(rows(&app).await, (0, 0), "no failure stored anything");
}

async fn a_token_is_connected_once_per_user(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    app.connect_ok(&cookie, "Staging <b>", &project.read_write_token)
        .await;
    let res = app
        .connect(&cookie, "again", &project.read_write_token)
        .await;
    // Without JavaScript the message comes back in the URL, where anyone can
    // write a link: the label is not shown from there, only the kind of error.
    let forged = location(&res).replace("Staging", "Forged");
    app.assert_form_error_as(
        res,
        "/connect/hetzner",
        "This project's token is already connected.",
        Some(&cookie),
    )
    .await;
    let page = app
        .client
        .get(&forged)
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("already connected.") && !page.contains("Forged"),
        "{page}"
    );
    // With JavaScript the answer itself names the label.
    let again = ConnectHetzner {
        label: "again".into(),
        token: project.read_write_token.clone(),
    };
    let error = app.invoke(again, &cookie).await.refused();
    assert_eq!(
        error,
        AppError(Refusal::AlreadyConnected("Staging <b>".into()))
    );
    assert_eq!(rows(&app).await, (1, 1));
    // A second project of the same user is a second connection.
    let other = app.fake.add_project("q");
    app.connect_ok(&cookie, "Other", &other.read_write_token)
        .await;
    assert_eq!(rows(&app).await, (2, 1), "one key pair per user");
}

async fn reconnecting_reuses_the_potions_ssh_key(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    let res = app
        .post_form(
            path_of::<DisconnectConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), "/account?disconnected=1");
    app.connect_ok(&cookie, "P again", &project.read_write_token)
        .await;
    let keys = app.fake.ssh_keys(&project);
    assert_eq!(
        keys.len(),
        1,
        "the existing key was found by fingerprint and reused"
    );
    assert_eq!(
        app.fake.request_count("GET", "/v1/ssh_keys"),
        1,
        "looked up once, after uniqueness_error"
    );
}

async fn two_users_connect_the_same_project_independently(app: TestApp) {
    let project = app.fake.add_project("shared");
    let ada = app.sign_up("ada@example.com").await;
    let grace = app.sign_up("grace@example.com").await;
    app.connect_ok(&ada, "Ada's view", &project.read_write_token)
        .await;
    app.connect_ok(&grace, "Grace's view", &project.read_write_token)
        .await;
    assert_eq!(
        app.fake.ssh_keys(&project).len(),
        2,
        "each user has their own Potions key"
    );
    let ada_account = app.page("/account", &ada).await;
    assert!(ada_account.contains("Ada's view") && !ada_account.contains("Grace's view"));

    // The list comes with the session in one read: each user's own (in
    // connection order, which within one second is by random id), and an
    // empty one for a user with none.
    let second = app.fake.add_project("second");
    app.connect_ok(&ada, "Ada's second", &second.read_write_token)
        .await;
    let labels = |cookie: String| {
        let app = &app;
        async move {
            let list = app.invoke(ListConnections {}, &cookie).await.ok();
            let mut labels: Vec<String> = list.into_iter().map(|c| c.label).collect();
            labels.sort();
            labels
        }
    };
    assert_eq!(labels(ada.clone()).await, ["Ada's second", "Ada's view"]);
    assert_eq!(labels(grace.clone()).await, ["Grace's view"]);
    let newcomer = app.sign_up("newcomer@example.com").await;
    assert_eq!(labels(newcomer).await, Vec::<String>::new());
}

async fn disconnect_forgets_the_token_and_leaves_hetzner_alone(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    app.fake
        .seed_server(&project, "keep-me", "cx22", "fsn1")
        .unwrap();
    let id = app
        .connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    let confirm = app
        .page(&format!("/account/connections/{id}/disconnect"), &cookie)
        .await;
    assert!(
        confirm.contains("Servers that were already created keep running on Hetzner"),
        "{confirm}"
    );
    let (servers, keys, calls) = (
        app.fake.server_names(&project),
        app.fake.ssh_keys(&project),
        app.fake.exchanges().len(),
    );
    let res = app
        .post_form(
            path_of::<DisconnectConnection>(),
            &format!("/account/connections/{id}/disconnect"),
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), "/account?disconnected=1");
    assert_eq!(
        app.fake.exchanges().len(),
        calls,
        "disconnecting makes no call to Hetzner"
    );
    assert_eq!(app.fake.server_names(&project), servers);
    assert_eq!(app.fake.ssh_keys(&project).len(), keys.len());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections").await,
        0,
        "the connection and its ciphertext are gone"
    );
    assert!(!app.page("/account", &cookie).await.contains("keep-me"));
}

async fn another_users_connection_is_not_found(app: TestApp) {
    let project = app.fake.add_project("p");
    let ada = app.sign_up("ada@example.com").await;
    let id = app
        .connect_ok(&ada, "Ada's", &project.read_write_token)
        .await;
    let mallory = app.sign_up("mallory@example.com").await;
    let not_found = "That connection doesn't exist.";
    let confirm_page = format!("/account/connections/{id}/disconnect");
    for (path, page, form) in [
        (
            path_of::<RecheckConnection>(),
            "/account",
            vec![("id", id.as_str())],
        ),
        (
            path_of::<RenameConnection>(),
            "/account",
            vec![("id", id.as_str()), ("label", "mine now")],
        ),
        (
            path_of::<DisconnectConnection>(),
            confirm_page.as_str(),
            vec![("id", id.as_str())],
        ),
    ] {
        let res = app.post_form(path, page, &form, Some(&mallory)).await;
        app.assert_form_error_as(res, page, not_found, Some(&mallory))
            .await;
    }
    let page = app
        .page(&format!("/account/connections/{id}/disconnect"), &mallory)
        .await;
    assert!(page.contains(not_found) && !page.contains("Ada's"));
    let res = app
        .post_form(
            path_of::<RecheckConnection>(),
            "/account",
            &[("id", "no-such-id")],
            Some(&ada),
        )
        .await;
    app.assert_form_error_as(res, "/account", not_found, Some(&ada))
        .await;
    assert!(
        app.page("/account", &ada).await.contains("Ada's"),
        "nothing changed"
    );
}

async fn rename_and_recheck(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Old", &project.read_write_token)
        .await;
    let res = app
        .post_form(
            path_of::<RenameConnection>(),
            "/account",
            &[("id", &id), ("label", " <script>alert(1)</script> ")],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let account = app.page("/account", &cookie).await;
    assert!(
        account.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            && !account.contains("<script>alert(1)"),
        "labels render as text"
    );

    let res = app
        .post_form(
            path_of::<RecheckConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    assert!(
        location(&res).starts_with(&app.url("/account")),
        "re-check passes and returns to Account"
    );
    app.fake.revoke_token(&project.read_write_token);
    let res = app
        .post_form(
            path_of::<RecheckConnection>(),
            "/account",
            &[("id", &id)],
            Some(&cookie),
        )
        .await;
    app.assert_form_error_as(
        res,
        "/account",
        "Hetzner rejected this token.",
        Some(&cookie),
    )
    .await;
    let account = app.page("/account", &cookie).await;
    assert!(
        account.contains("Needs attention") && account.contains("has Read &amp; Write permissions"),
        "{account}"
    );
    let dashboard = app.page("/", &cookie).await;
    assert!(dashboard.contains("Needs attention"));
}

/// A burst of Dashboard views on a cold count cache costs Hetzner one call
/// per project: the count is fetched once and every view waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_dashboard_views_counts_each_project_once() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .expect("sqlite");
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    app.connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    // A second instance on the same data starts with a cold count cache.
    let mut settings = crate::support::test_settings(app.data_dir.path(), &app.fake);
    settings.database_url = Some(app.database_url.clone());
    let second = server::Server::bind(&settings)
        .await
        .expect("second instance");
    let base = format!("http://{}", second.local_addr());
    tokio::spawn(second.run(std::future::pending()));

    app.fake.set_latency(Duration::from_millis(300));
    let before = app.fake.request_count("GET", "/v1/servers");
    let views = (0..8).map(|_| {
        app.client
            .get(format!("{base}/"))
            .header(reqwest::header::ACCEPT, "text/html")
            .header(reqwest::header::COOKIE, &cookie)
            .send()
    });
    for view in futures::future::join_all(views).await {
        let html = view.expect("GET").text().await.expect("body");
        assert!(html.contains("0 servers"), "a view without the count");
    }
    assert_eq!(
        app.fake.request_count("GET", "/v1/servers") - before,
        1,
        "eight concurrent views, one count"
    );
}

/// Token checks cost Hetzner calls from Potions' address: each user gets a
/// few per 10 minutes, and so does each token whoever sends it. A refused
/// check sends nothing to Hetzner and stores nothing.
async fn token_checks_are_limited(backend: crate::support::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.token_checks_per_user = 3;
        s.token_checks_per_token = 2;
    })
    .await
    else {
        return;
    };
    let ada = app.sign_up("ada@example.com").await;
    let projects: Vec<_> = (0..4)
        .map(|i| app.fake.add_project(&format!("p{i}")))
        .collect();
    let first = app
        .connect_ok(&ada, "one", &projects[0].read_write_token)
        .await;
    app.connect_ok(&ada, "two", &projects[1].read_write_token)
        .await;
    app.invoke(RecheckConnection { id: first }, &ada).await.ok();
    let calls = app.fake.request_count("GET", "/v1/servers");
    let four = ConnectHetzner {
        label: "four".into(),
        token: projects[3].read_write_token.clone(),
    };
    let refused = app.invoke(four, &ada).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    match refused.refused() {
        AppError(Refusal::Throttled(secs)) => assert!(secs > 60, "{secs}"),
        other => panic!("not throttled: {other:?}"),
    }
    assert_eq!(
        app.fake.request_count("GET", "/v1/servers"),
        calls,
        "nothing sent"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM connections").await, 2);
    let res = app
        .connect(&ada, "four", &projects[3].read_write_token)
        .await;
    app.assert_form_error_as(
        res,
        "/connect/hetzner",
        "Too many attempts. Try again in",
        Some(&ada),
    )
    .await;

    // One token tried by several accounts: two checks, then it waits.
    let shared = &projects[2].read_only_token;
    for (n, email) in ["b@example.com", "c@example.com", "d@example.com"]
        .iter()
        .enumerate()
    {
        let cookie = app.sign_up(email).await;
        let attempt = ConnectHetzner {
            label: "x".into(),
            token: shared.clone(),
        };
        let answer = app.invoke(attempt, &cookie).await.result;
        let throttled = matches!(answer, Err(AppError(Refusal::Throttled(_))));
        assert_eq!(throttled, n == 2, "attempt {n}: {:?}", answer.err());
    }
}

on_both_backends!(token_checks_are_limited);
