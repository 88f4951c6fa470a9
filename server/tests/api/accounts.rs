//! Accounts and sessions over HTTP, on SQLite and PostgreSQL.

use crate::support::{location, session_cookie, set_cookie_header, TestApp, PASSWORD};
use crate::support::{path_of, SignIn, SignOut, SignUp};
use reqwest::StatusCode;

on_both_databases!(
    sign_up_signs_in_and_shows_the_dashboard,
    session_cookie_is_http_only_and_lax,
    duplicate_and_malformed_sign_ups_are_refused_without_a_row,
    wrong_email_and_wrong_password_read_the_same,
    sign_in_starts_a_new_session,
    sign_out_ends_the_session,
    signed_out_visitors_are_sent_to_sign_in_and_back,
    failed_sign_ins_are_throttled_per_account,
    parallel_guesses_cannot_pass_the_account_limit,
    expired_and_forged_sessions_are_signed_out,
);

async fn sign_up_signs_in_and_shows_the_dashboard(app: TestApp) {
    let cookie = app.sign_up("ada.lovelace@example.com").await;
    let html = app.page("/", &cookie).await;
    assert!(html.contains("<h1>Dashboard</h1>"), "{html}");
    assert!(
        html.contains("Account (ada.lovelace@example.com)"),
        "avatar label missing"
    );
    assert!(html.contains(">AL</span>"), "initials missing");
}

async fn session_cookie_is_http_only_and_lax(app: TestApp) {
    let res = app
        .post_form(
            path_of::<SignUp>(),
            "/signup",
            &[("email", "grace@example.com"), ("password", PASSWORD)],
            None,
        )
        .await;
    let header = set_cookie_header(res.headers());
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Lax"), "{header}");
    assert!(header.contains("Path=/"), "{header}");
    // The public URL is http here, so the cookie must not be Secure-only.
    assert!(!header.contains("Secure"), "{header}");
}

async fn duplicate_and_malformed_sign_ups_are_refused_without_a_row(app: TestApp) {
    app.sign_up("taken@example.com").await;
    let long_email = format!("{}@example.com", "a".repeat(300));
    let cases: [(&str, &str, &str); 5] = [
        (
            "taken@example.com",
            PASSWORD,
            "An account with this email already exists.",
        ),
        (
            "TAKEN@example.com ",
            PASSWORD,
            "An account with this email already exists.",
        ),
        ("not-an-email", PASSWORD, "Enter a valid email address"),
        (&long_email, PASSWORD, "Enter a valid email address"),
        (
            "short@example.com",
            "1234567",
            "Choose a password of 8 to 256 characters.",
        ),
    ];
    for (email, password, message) in cases {
        let res = app
            .post_form(
                path_of::<SignUp>(),
                "/signup",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        app.assert_form_error(res, "/signup", message).await;
    }
    let res = app
        .post_form(path_of::<SignUp>(), "/signup", &[("email", "")], None)
        .await;
    app.assert_form_error(res, "/signup", "The form was incomplete or malformed.")
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}

async fn wrong_email_and_wrong_password_read_the_same(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let wrong_password = app.sign_in("ada@example.com", "not the password").await;
    let wrong_email = app.sign_in("nobody@example.com", PASSWORD).await;
    assert_eq!(
        location(&wrong_email),
        location(&wrong_password),
        "the answers must not differ"
    );
    app.assert_form_error(wrong_password, "/login", "Wrong email or password.")
        .await;
}

async fn sign_in_starts_a_new_session(app: TestApp) {
    let first = app.sign_up("ada@example.com").await;
    let res = app
        .post_form(
            path_of::<SignIn>(),
            "/login?next=%2Faccount",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
            Some(&first),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/account");
    let second = session_cookie(res.headers()).expect("new session");
    assert_ne!(first, second, "sign-in must issue a new session id");
    assert_eq!(
        app.get("/account", Some(&second)).await.status(),
        StatusCode::OK
    );
    let old = app.get("/account", Some(&first)).await;
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "the earlier session is ended"
    );
}

async fn sign_out_ends_the_session(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let res = app
        .post_form(path_of::<SignOut>(), "/account", &[], Some(&cookie))
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/login");
    assert!(set_cookie_header(res.headers()).contains("Max-Age=0"));
    let after = app.get("/account", Some(&cookie)).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&after), "/login?next=%2Faccount");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}

async fn signed_out_visitors_are_sent_to_sign_in_and_back(app: TestApp) {
    for (path, next) in [("/", "%2F"), ("/account", "%2Faccount")] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), format!("/login?next={next}"));
    }
    app.sign_up("ada@example.com").await;
    let res = app
        .post_form(
            path_of::<SignIn>(),
            "/login?next=%2Faccount",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
            None,
        )
        .await;
    assert_eq!(location(&res), "/account");
    // An off-site `next` is never followed.
    let res = app
        .post_form(
            path_of::<SignIn>(),
            "/login",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
            None,
        )
        .await;
    assert_eq!(location(&res), "/");
    let missing = app.get("/no/such/page", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing
        .text()
        .await
        .expect("body")
        .contains("Page not found"));
}

async fn failed_sign_ins_are_throttled_per_account(app: TestApp) {
    app.sign_up("ada@example.com").await;
    for _ in 0..5 {
        let res = app.sign_in("ada@example.com", "wrong password").await;
        app.assert_form_error(res, "/login", "Wrong email or password.")
            .await;
    }
    // Even the right password waits now, and the message says how long.
    let res = app.sign_in("ada@example.com", PASSWORD).await;
    app.assert_form_error(res, "/login", "Too many attempts. Try again in 15 minutes.")
        .await;
    // A throttled attempt checked no password: the owner's log records the
    // five that were checked, not the ones turned away (which would also
    // make an existing email cost more than an unknown one).
    // They fold into one entry per hour that counts them (two, if the
    // test ran across the hour), so nobody can fill a user's log.
    let failed = "SELECT CAST(COALESCE(SUM(repeats), 0) AS BIGINT) FROM activity \
                  WHERE action = 'account.sign_in.password' AND outcome = 'failed'";
    let rows = "SELECT COUNT(*) FROM activity WHERE action = 'account.sign_in.password'";
    assert_eq!(app.count(failed).await, 5);
    assert!(app.count(rows).await <= 2, "failed attempts fold");
    for _ in 0..3 {
        app.sign_in("ada@example.com", "wrong password").await;
    }
    assert_eq!(app.count(failed).await, 5);
    // Another account from the same address is not yet limited.
    app.sign_up("grace@example.com").await;
    assert_eq!(
        location(&app.sign_in("grace@example.com", PASSWORD).await),
        "/"
    );
}

async fn expired_and_forged_sessions_are_signed_out(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    for forged in [
        "potions_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "potions_session=' OR 1=1 --",
        "potions_session=",
        "potions_session=%00%ff",
    ] {
        let res = app.get("/account", Some(forged)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{forged}");
    }
    sqlx::query("UPDATE sessions SET expires_at = 1")
        .execute(&mut app.db().await)
        .await
        .expect("expire");
    let res = app.get("/account", Some(&cookie)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "an expired session is signed out"
    );
}

/// Each attempt is counted before its password is checked, so twenty guesses
/// at once cannot all be checked while the limit is five.
async fn parallel_guesses_cannot_pass_the_account_limit(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let passwords: Vec<String> = (0..20).map(|n| format!("wrong guess {n}")).collect();
    let forms: Vec<[(&str, &str); 2]> = passwords
        .iter()
        .map(|password| {
            [
                ("email", "ada@example.com"),
                ("password", password.as_str()),
            ]
        })
        .collect();
    let guesses = forms
        .iter()
        .map(|form| app.call(path_of::<SignIn>(), form, ""));
    let answers: Vec<String> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|(_, body)| body.to_string())
        .collect();
    let checked = answers
        .iter()
        .filter(|a| a.contains("InvalidCredentials"))
        .count();
    let throttled = answers.iter().filter(|a| a.contains("Throttled")).count();
    assert_eq!(checked + throttled, 20, "{answers:?}");
    assert!(
        checked <= 5,
        "{checked} of 20 parallel guesses were checked; the limit is 5"
    );
    // Exactly the checked guesses are on record as failures; refused ones
    // are taken back, so hammering does not lengthen the wait.
    let recorded = app
        .count("SELECT COUNT(*) FROM login_failures WHERE throttle_key = 'account:ada@example.com'")
        .await;
    assert_eq!(recorded, checked as i64);
}
