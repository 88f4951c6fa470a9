//! Guards on every request: cross-site rejection, security headers, body caps.

use crate::support::{path_of, ConnectHetzner, LoadDashboard, RecheckConnection, SignIn, SignUp};
use crate::support::{TestApp, PASSWORD};
use reqwest::header::{CONTENT_SECURITY_POLICY, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use reqwest::StatusCode;

on_both_databases!(
    cross_site_posts_are_rejected_and_change_nothing,
    pages_carry_security_headers_with_a_fresh_nonce,
    oversized_bodies_are_refused_and_the_server_keeps_serving,
    health_check_answers,
    a_clients_request_id_is_never_taken_for_ours,
    a_page_redirect_is_a_redirect_whatever_the_client_accepts,
);

async fn cross_site_posts_are_rejected_and_change_nothing(app: TestApp) {
    let res = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header(ORIGIN, "https://evil.example")
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // DNS rebinding: a page on a name that now resolves to us posts with an
    // Origin that matches its Host header, but is not our origin.
    let port = app.base_url.rsplit(':').next().unwrap_or_default();
    let rebound = format!("http://rebound.example:{port}");
    let res = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header(ORIGIN, &rebound)
        .header(reqwest::header::HOST, format!("rebound.example:{port}"))
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a rebound origin passed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    // The same form from our own origin works.
    app.sign_up("victim@example.com").await;
}

async fn pages_carry_security_headers_with_a_fresh_nonce(app: TestApp) {
    let mut nonces = Vec::new();
    for path in ["/login", "/login", "/signup", "/no/such/page"] {
        let res = app.get(path, None).await;
        let headers = res.headers().clone();
        let csp = headers
            .get(CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("script nonce")
            .to_string();
        assert_eq!(
            headers.get(X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert_eq!(
            headers.get(REFERRER_POLICY).map(|v| v.as_bytes()),
            Some(&b"same-origin"[..])
        );
        let html = res.text().await.expect("body");
        // Every inline script carries the nonce.
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            if !tag.contains("src=") {
                assert!(
                    tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: inline script without nonce: {tag}"
                );
            }
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "each response gets its own nonce");
    let health = app.get("/healthz", None).await;
    let csp = health
        .headers()
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(csp.contains("default-src 'none'"), "{csp}");
}

async fn oversized_bodies_are_refused_and_the_server_keeps_serving(app: TestApp) {
    let huge = "a".repeat(1024 * 1024);
    // Its own client: the server closes that connection after refusing the
    // upload, and the pooled client below must not reuse it.
    let res = reqwest::Client::new()
        .post(app.url(path_of::<SignUp>()))
        .header(ORIGIN, &app.base_url)
        .form(&[("email", huge.as_str()), ("password", PASSWORD)])
        .send()
        .await;
    match res {
        Ok(res) => assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE),
        // The server may answer 413 and close before the upload ends.
        Err(err) => assert!(err.is_request(), "{err}"),
    }
    let res = app
        .client
        .post(app.url(path_of::<SignIn>()))
        .header(ORIGIN, &app.base_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=%ZZ&password")
        .send()
        .await
        .expect("POST");
    assert!(
        res.status().is_client_error() || res.status().is_server_error(),
        "{}",
        res.status()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

async fn health_check_answers(app: TestApp) {
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.text().await.expect("body"), "ok");
}

/// A client's `X-Request-Id` would be shown in a victim's activity log as
/// Potions' own; every request gets an id Potions made instead.
async fn a_clients_request_id_is_never_taken_for_ours(app: TestApp) {
    let forged = "forged-request-id-0123456789";
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", forged)
        .send()
        .await
        .unwrap();
    let ours = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok());
    assert!(
        ours.is_some_and(|id| id != forged && id.len() >= 16),
        "{ours:?}"
    );
    let signed_up = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header(ORIGIN, app.url(""))
        .header("x-request-id", forged)
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(signed_up.status().is_success() || signed_up.status().is_redirection());
    let recorded = app
        .count(&format!(
            "SELECT COUNT(*) FROM activity WHERE request_id = '{forged}'"
        ))
        .await;
    let ours = app
        .count("SELECT COUNT(*) FROM activity WHERE request_id IS NOT NULL")
        .await;
    assert_eq!((recorded, ours), (0, 1));
}

/// A page that sends a visitor to sign in answers 3xx to a browser, and to
/// a monitor or curl that does not ask for HTML too (not 200 and a blank page).
async fn a_page_redirect_is_a_redirect_whatever_the_client_accepts(app: TestApp) {
    for accept in ["text/html", "*/*", "application/json"] {
        let res = app
            .client
            .get(app.url("/account"))
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{accept}: {}", res.status());
        let to = res.headers().get("location").and_then(|v| v.to_str().ok());
        assert!(
            to.is_some_and(|to| to.starts_with("/login")),
            "{accept}: {to:?}"
        );
    }
    // A server function called by the app's own client still gets its answer.
    let res = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header(ORIGIN, app.url(""))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Pages and server-function answers may hold a user's data: never cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_answers_are_never_cached() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .expect("sqlite");
    let cookie = app.sign_up("ada@example.com").await;
    for path in ["/", "/account", "/login"] {
        let res = app.get(path, Some(&cookie)).await;
        assert_eq!(cache_control(res.headers()), "no-store", "{path}");
    }
    let res = app
        .client
        .post(app.url(path_of::<LoadDashboard>()))
        .header(ORIGIN, &app.base_url)
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(cache_control(res.headers()), "no-store");
}

fn cache_control(headers: &reqwest::header::HeaderMap) -> &str {
    headers
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Served over https: the session cookie is `__Host-` prefixed and Secure,
/// and browsers are told to use https only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_cookie_is_host_only_and_transport_strict() {
    const PUBLIC: &str = "https://potions.test";
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, |settings| {
        settings.public_url = Some(PUBLIC.into());
    })
    .await
    .expect("sqlite");
    // As a browser at the public URL would post, through a TLS-ending proxy.
    let res = app
        .client
        .post(app.url(path_of::<SignUp>()))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(ORIGIN, PUBLIC)
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FOUND);
    let hsts = res
        .headers()
        .get(reqwest::header::STRICT_TRANSPORT_SECURITY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(hsts.starts_with("max-age="), "no HSTS: {hsts:?}");
    let set_cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("potions_session="))
        .unwrap_or_default()
        .to_string();
    assert!(
        set_cookie.starts_with("__Host-potions_session="),
        "{set_cookie}"
    );
    assert!(
        set_cookie.contains("; Secure") && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
    // The prefixed cookie is the session; the unprefixed name is not read.
    assert_eq!(
        app.get("/account", Some(&cookie)).await.status(),
        StatusCode::OK
    );
    let unprefixed = cookie.trim_start_matches("__Host-");
    assert_eq!(
        app.get("/account", Some(unprefixed)).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// A server function's error answers with a status that says what it is,
/// keeping the JSON body the browser reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_function_errors_answer_with_meaningful_statuses() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .expect("sqlite");
    let cookie = app.sign_up("ada@example.com").await;
    let signed_out = app.call(path_of::<LoadDashboard>(), &[], "").await;
    assert_eq!(signed_out.0, StatusCode::UNAUTHORIZED, "{}", signed_out.1);
    assert_eq!(signed_out.1, "NotSignedIn");
    let missing = app
        .call(path_of::<RecheckConnection>(), &[("id", "nope")], &cookie)
        .await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND, "{}", missing.1);
    let malformed = app
        .call(
            path_of::<ConnectHetzner>(),
            &[("label", ""), ("token", "short")],
            &cookie,
        )
        .await;
    assert_eq!(
        malformed.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        malformed.1
    );
    let taken = app
        .call(
            path_of::<SignUp>(),
            &[("email", "ada@example.com"), ("password", PASSWORD)],
            "",
        )
        .await;
    assert_eq!(taken.0, StatusCode::CONFLICT, "{}", taken.1);
    let bad_args = app.call(path_of::<RecheckConnection>(), &[], &cookie).await;
    assert_eq!(bad_args.0, StatusCode::BAD_REQUEST, "{}", bad_args.1);
    for _ in 0..5 {
        let wrong = app
            .call(
                path_of::<SignIn>(),
                &[("email", "ada@example.com"), ("password", "wrong password")],
                "",
            )
            .await;
        assert_eq!(wrong.0, StatusCode::UNAUTHORIZED, "{}", wrong.1);
    }
    let res = app
        .client
        .post(app.url(path_of::<SignIn>()))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(ORIGIN, &app.base_url)
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = res
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or_default();
    assert!(
        (1..=900).contains(&retry_after),
        "Retry-After {retry_after}"
    );
}

/// However long Hetzner hangs, a request ends at the router's deadline with
/// 503, and the server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_ends_at_the_routers_deadline() {
    let app = TestApp::spawn_with(crate::support::Backend::Sqlite, |settings| {
        settings.request_timeout_secs = 1.0;
        settings.hetzner_timeout_secs = 60.0;
    })
    .await
    .expect("sqlite");
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "P", &project.read_write_token)
        .await;
    app.fake
        .inject(hetzner_fake::Fault::new(hetzner_fake::FaultKind::Hang).on("GET", "/v1/servers"));
    let started = std::time::Instant::now();
    let res = app.get(&format!("/projects/{id}"), Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the deadline did not end the request: {:?}",
        started.elapsed()
    );
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}
