//! Sign-in and sign-up under abuse: clients behind a trusted proxy are told
//! apart (and untrusted forwarding headers ignored), guessers spread over
//! many addresses slow an account's owner down but cannot lock them out, and
//! sign-ups are throttled. (A flood of sign-ins is `tests/flood.rs`.)

use crate::support::{path_of, Backend, SignIn, SignUp, TestApp, PASSWORD};
use reqwest::header::{ACCEPT, ORIGIN};

/// A Potions behind a reverse proxy on 127.0.0.1, which it trusts.
async fn behind_a_proxy(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |s| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
    })
    .await
}

/// Calls a server function as the browser at `client` (via the proxy).
async fn call_from(
    app: &TestApp,
    client: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    app.client
        .post(app.url(endpoint))
        .header(ACCEPT, "application/json")
        .header(ORIGIN, &app.base_url)
        .header("x-forwarded-for", client)
        .form(form)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .unwrap_or(serde_json::Value::Null)
}

async fn sign_in_from(app: &TestApp, client: &str, password: &str) -> serde_json::Value {
    call_from(
        app,
        client,
        path_of::<SignIn>(),
        &[("email", "ada@example.com"), ("password", password)],
    )
    .await
}

/// How long a throttled answer says to wait; `None` for any other answer.
fn retry_after(answer: &serde_json::Value) -> Option<i64> {
    match serde_json::from_value(answer.clone()) {
        Ok(app::error::AppError(app::error::Refusal::Throttled(secs))) => Some(secs),
        _ => None,
    }
}

async fn guessers_on_many_addresses_cannot_lock_the_owner_out(backend: Backend) {
    let Some(app) = behind_a_proxy(backend).await else {
        return;
    };
    app.sign_up("ada@example.com").await;
    // One guesser address that failed five times is locked out, alone.
    for _ in 0..5 {
        let answer = sign_in_from(&app, "192.0.2.66", "wrong guess").await;
        assert!(
            answer.to_string().contains("InvalidCredentials"),
            "{answer}"
        );
    }
    let locked = sign_in_from(&app, "192.0.2.66", PASSWORD).await;
    assert!(
        retry_after(&locked).is_some_and(|wait| wait > 60),
        "{locked}"
    );
    let owner = sign_in_from(&app, "203.0.113.50", PASSWORD).await;
    // Signed in: the answer is where the browser goes next.
    assert_eq!(owner, "/", "the owner signs in: {owner}");

    // Guessers spread over many addresses reach the account's limit…
    for n in 0..12 {
        sign_in_from(&app, &format!("198.51.100.{n}"), "wrong guess").await;
    }
    // …and then slow the owner down to one attempt per 30 s, no more.
    let owner = sign_in_from(&app, "203.0.113.51", PASSWORD).await;
    assert!(
        retry_after(&owner).is_some_and(|wait| wait <= 30),
        "slowed down, not locked out: {owner}"
    );
}

async fn clients_behind_a_trusted_proxy_are_counted_apart(backend: Backend) {
    let Some(app) = behind_a_proxy(backend).await else {
        return;
    };
    app.sign_up("ada@example.com").await;
    // Twenty failures from one client exhaust that client's address limit…
    for n in 0..20 {
        let email = format!("nobody{n}@example.com");
        call_from(
            &app,
            "2001:db8:1:2::10",
            path_of::<SignIn>(),
            &[("email", &email), ("password", "wrong guess")],
        )
        .await;
    }
    // …for its whole /64…
    let same_64 = sign_in_from(&app, "2001:db8:1:2:ffff::99", PASSWORD).await;
    assert!(retry_after(&same_64).is_some(), "{same_64}");
    // …but not for the next client behind the same proxy.
    let other = sign_in_from(&app, "2001:db8:1:3::10", PASSWORD).await;
    assert!(retry_after(&other).is_none(), "{other}");
}

/// Without a trusted proxy, a forged X-Forwarded-For changes nothing: the
/// guesser is still counted by its own address.
async fn forwarding_headers_from_anyone_else_are_ignored(app: TestApp) {
    app.sign_up("ada@example.com").await;
    for n in 0..20 {
        let email = format!("nobody{n}@example.com");
        call_from(
            &app,
            &format!("198.51.100.{n}"),
            path_of::<SignIn>(),
            &[("email", &email), ("password", "wrong guess")],
        )
        .await;
    }
    let answer = sign_in_from(&app, "203.0.113.77", PASSWORD).await;
    assert!(retry_after(&answer).is_some(), "{answer}");
}

/// Every sign-up from an address counts, and "already exists" answers too:
/// an address cannot probe emails or burn hashing time without limit.
async fn sign_ups_are_throttled_per_address(backend: Backend) {
    let Some(app) = behind_a_proxy(backend).await else {
        return;
    };
    let mut throttled = None;
    for n in 0..60 {
        let answer = call_from(
            &app,
            "198.51.100.1",
            path_of::<SignUp>(),
            &[
                ("email", "taken@example.com"),
                (
                    "password",
                    if n == 0 { PASSWORD } else { "another password" },
                ),
            ],
        )
        .await;
        if retry_after(&answer).is_some() {
            throttled = Some(n);
            break;
        }
        if n > 0 {
            assert!(answer.to_string().contains("EmailTaken"), "{answer}");
        }
    }
    assert_eq!(
        throttled,
        Some(50),
        "the 51st sign-up from one address waits"
    );
    let elsewhere = call_from(
        &app,
        "198.51.100.2",
        path_of::<SignUp>(),
        &[("email", "new@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(elsewhere, "/", "{elsewhere}");
}

on_both_backends!(
    guessers_on_many_addresses_cannot_lock_the_owner_out,
    clients_behind_a_trusted_proxy_are_counted_apart,
    sign_ups_are_throttled_per_address,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_forwarding_headers_are_ignored_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    crate::support::bounded(forwarding_headers_from_anyone_else_are_ignored(app)).await;
}
