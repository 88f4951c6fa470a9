//! Two-factor sign-in with an authenticator app and recovery codes: set up
//! behind the password, each code working once on every instance, guesses
//! throttled, the waiting sign-in bound to its browser and short-lived.

use crate::support::{
    cookie_set, form_post, location, path_of, session_cookie, BeginTotp, ConfirmTotp, CurrentUser,
    LoadSecurity, RegenerateRecoveryCodes, SignIn, TestApp, TurnOffTotp, VerifySignIn, PASSWORD,
};
use app::account::TotpView;
use app::error::{AppError, Refusal};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::StatusCode;
use totp_rs::{Algorithm, Secret, TOTP};

on_both_databases!(
    codes_work_once_across_instances,
    set_up_and_turning_off_ask_for_the_password,
    the_waiting_sign_in_is_bound_and_short_lived,
    guesses_are_throttled_and_every_answer_is_the_same,
    without_javascript_the_codes_show_after_the_redirect,
    guessing_is_bounded_per_sign_in_and_per_account,
    set_up_is_bound_to_the_browser_that_began_it,
);

const EMAIL: &str = "ada@example.com";
const PENDING: &str = "potions_pending_sign_in";

/// The code of the step `offset` steps from now, computed as an app would.
pub(crate) fn code(secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes).unwrap();
    let now = domain::clock::now_unix();
    totp.generate(u64::try_from(now + offset * 30).unwrap())
}

/// Starts setting up an authenticator: answers the secret the app is shown.
pub(crate) async fn begin(app: &TestApp, cookie: &str) -> String {
    let begin = BeginTotp {
        password: PASSWORD.into(),
    };
    app.invoke(begin, cookie).await.ok();
    match app.invoke(LoadSecurity {}, cookie).await.ok().totp {
        TotpView::Enrolling { secret, qr_svg } => {
            assert!(qr_svg.contains("<svg"));
            secret
        }
        other => panic!("not enrolling: {other:?}"),
    }
}

/// Signs up and turns two-factor sign-in on: (cookie, secret, recovery codes).
/// Answers the cookie, the secret, the recovery codes and the code that
/// confirmed the set-up (kept: a 30 s step may end before the test reuses it).
async fn with_totp(app: &TestApp) -> (String, String, Vec<String>, String) {
    let cookie = app.sign_up(EMAIL).await;
    let secret = begin(app, &cookie).await;
    let confirmed = code(&secret, 0);
    let confirm = ConfirmTotp {
        code: confirmed.clone(),
    };
    let codes = app.invoke(confirm, &cookie).await.ok();
    assert_eq!(codes.len(), 10);
    (cookie, secret, codes, confirmed)
}

/// The password step from a fresh browser: answers its waiting sign-in's cookie.
async fn password_step(app: &TestApp, base: &str) -> String {
    let form = [
        ("email", EMAIL),
        ("password", PASSWORD),
        ("next", "/account"),
    ];
    let res = form_post(
        &app.client,
        base,
        path_of::<SignIn>(),
        "/login",
        &form,
        None,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(location(&res), "/login/verify?next=%2Faccount");
    assert_eq!(
        session_cookie(res.headers()),
        None,
        "no session before the second step"
    );
    cookie_set(res.headers(), PENDING).expect("a waiting sign-in")
}

/// The second step through the instance at `base`, as a script would post it.
async fn second_step(app: &TestApp, base: &str, pending: &str, code: &str) -> reqwest::Response {
    app.client
        .post(format!("{base}{}", path_of::<VerifySignIn>()))
        .header(ACCEPT, "application/json")
        .header(ORIGIN, base)
        .header(COOKIE, pending)
        .form(&[("code", code), ("next", "/account")])
        .send()
        .await
        .unwrap()
}

async fn codes_work_once_across_instances(app: TestApp) {
    let logs = crate::token_leaks::logs();
    let (_, secret, recovery, confirmed) = with_totp(&app).await;
    let other = app.second_instance_with(|_| {}).await;

    // The code that confirmed the set-up was used: not again, here or there.
    let pending = password_step(&app, &app.base_url).await;
    let used = confirmed;
    for base in [&app.base_url, &other] {
        let res = second_step(&app, base, &pending, &used).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.text().await.unwrap(), "\"SecondFactorWrong\"");
    }
    // The next step's code signs in, once, through the second instance.
    let next = code(&secret, 1);
    let res = second_step(&app, &other, &pending, &next).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session = session_cookie(res.headers()).expect("signed in");
    assert_eq!(res.text().await.unwrap(), "\"/account\"");
    assert_eq!(
        app.get("/account", Some(&session)).await.status(),
        StatusCode::OK
    );
    let replay = password_step(&app, &other).await;
    let res = second_step(&app, &app.base_url, &replay, &next).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code works once"
    );
    // The waiting sign-in was used up by its success.
    let res = second_step(&app, &app.base_url, &pending, &code(&secret, -1)).await;
    assert_eq!(res.text().await.unwrap(), "\"SecondStepExpired\"");

    // A recovery code, typed loosely, works once.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    let res = second_step(&app, &other, &replay, &typed).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sessions: Vec<(String,)> =
        sqlx::query_as("SELECT factors FROM sessions ORDER BY created_at")
            .fetch_all(&mut app.db().await)
            .await
            .unwrap();
    assert!(
        sessions
            .iter()
            .any(|(f,)| f == "password and recovery code"),
        "{sessions:?}"
    );
    let again = password_step(&app, &app.base_url).await;
    let res = second_step(&app, &app.base_url, &again, &recovery[3]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a recovery code works once"
    );
    let res = second_step(&app, &app.base_url, &again, &recovery[4]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session = session_cookie(res.headers()).unwrap();
    let overview = app.invoke(LoadSecurity {}, &session).await.ok();
    assert_eq!(overview.recovery_codes_left, 8);
    assert_eq!(overview.totp, TotpView::On);

    // Nothing a user could replay is stored in plain: the secret is sealed, codes hashed.
    for (table, columns) in [
        ("totp_factors", "secret_ciphertext || secret_nonce"),
        ("recovery_codes", "salt || code_hash"),
    ] {
        let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {columns} FROM {table}"))
            .fetch_all(&mut app.db().await)
            .await
            .unwrap();
        let stored = format!("{rows:?}").to_lowercase();
        assert!(!stored.contains(&secret.to_lowercase()), "{table}");
        assert!(
            recovery
                .iter()
                .all(|c| !stored.contains(&c.replace('-', ""))),
            "{table}"
        );
    }
    // Nor in a log line, however it was written.
    let logged = logs.text().to_lowercase();
    assert!(!logged.contains(&secret.to_lowercase()));
    assert!(recovery.iter().all(|c| !logged.contains(c.as_str())));
}

async fn without_javascript_the_codes_show_after_the_redirect(app: TestApp) {
    let cookie = app.sign_up(EMAIL).await;
    let secret = begin(&app, &cookie).await;
    let confirmed = form_post(
        &app.client,
        &app.base_url,
        path_of::<ConfirmTotp>(),
        "/account/security",
        &[("code", &code(&secret, 0))],
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    assert!(confirmed.status().is_redirection());
    assert_eq!(location(&confirmed), "/account/security?changed=1");
    // Waiting for the page, they are sealed: no code reads in any column.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT codes_nonce, codes_ciphertext FROM fresh_recovery_codes")
            .fetch_all(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    let page = app.page("/account/security?changed=1", &cookie).await;
    let shown: Vec<&str> = page
        .split("<code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .filter(|code| code.len() == 29 && code.matches('-').count() == 5)
        .collect();
    assert_eq!(shown.len(), 10, "{page}");
    assert!(page.contains("Sign out everywhere else"));
    let stored = format!("{rows:?}");
    assert!(shown.iter().all(|c| !stored.contains(c)));
    // Shown to this browser alone: a reload still has them (reading the
    // page uses nothing up); one of them signs in, and that other session
    // of the same user never sees them.
    let again = app.page("/account/security", &cookie).await;
    assert!(shown.iter().all(|c| again.contains(c)));
    let pending = password_step(&app, &app.base_url).await;
    let res = second_step(&app, &app.base_url, &pending, shown[0]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let other = session_cookie(res.headers()).expect("signed in");
    let elsewhere = app.page("/account/security", &other).await;
    assert!(shown.iter().all(|c| !elsewhere.contains(c)), "{elsewhere}");

    // New codes made without JavaScript show the same way.
    let made = form_post(
        &app.client,
        &app.base_url,
        path_of::<RegenerateRecoveryCodes>(),
        "/account/security",
        &[("password", PASSWORD)],
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(location(&made), "/account/security?changed=1");
    let page = app.page("/account/security?changed=1", &cookie).await;
    assert!(!page.contains(shown[1]), "the old set is gone");
    assert_eq!(
        page.matches("<code>").count() - elsewhere.matches("<code>").count(),
        10
    );
}

/// An authenticator being set up belongs to the session that began it:
/// another session of the same user neither sees its secret nor confirms it.
async fn set_up_is_bound_to_the_browser_that_began_it(app: TestApp) {
    let cookie = app.sign_up(EMAIL).await;
    let res = app.sign_in(EMAIL, PASSWORD).await;
    let other = session_cookie(res.headers()).expect("a second session");
    let secret = begin(&app, &cookie).await;
    let elsewhere = app.invoke(LoadSecurity {}, &other).await.ok();
    assert_eq!(
        elsewhere.totp,
        TotpView::Off,
        "the secret stays in its browser"
    );
    let confirm = ConfirmTotp {
        code: code(&secret, 0),
    };
    let refused = app.invoke(confirm, &other).await;
    assert_eq!(refused.refused(), AppError(Refusal::TotpNotEnrolling));
    let confirm = ConfirmTotp {
        code: code(&secret, 0),
    };
    assert_eq!(app.invoke(confirm, &cookie).await.ok().len(), 10);
}

async fn set_up_and_turning_off_ask_for_the_password(app: TestApp) {
    let cookie = app.sign_up(EMAIL).await;
    let confirm = |code: &str| ConfirmTotp { code: code.into() };
    let wrong = BeginTotp {
        password: "not my password".into(),
    };
    let refused = app.invoke(wrong, &cookie).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.refused(), AppError(Refusal::WrongPassword));
    // Confirming before starting says so.
    let error = app.invoke(confirm("123456"), &cookie).await.refused();
    assert_eq!(error, AppError(Refusal::TotpNotEnrolling));
    let secret = begin(&app, &cookie).await;
    // A code from a clock far off: the message says to check the clock.
    let refused = app.invoke(confirm(&code(&secret, 10)), &cookie).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.refused(), AppError(Refusal::EnrolmentCodeWrong));
    let page = app.page("/account/security", &cookie).await;
    assert!(
        page.contains("Scan this code") && page.contains(&secret),
        "{page}"
    );
    // Not on yet: the password alone still signs in.
    let res = app.sign_in(EMAIL, PASSWORD).await;
    assert!(session_cookie(res.headers()).is_some());

    app.invoke(confirm(&code(&secret, 0)), &cookie).await.ok();
    let regenerate = |given: &str| RegenerateRecoveryCodes {
        password: given.into(),
    };
    let error = app.invoke(regenerate("nope"), &cookie).await.refused();
    assert_eq!(error, AppError(Refusal::WrongPassword));
    let codes = app.invoke(regenerate(PASSWORD), &cookie).await.ok();
    assert_eq!(codes.len(), 10);
    let turn_off = TurnOffTotp {
        password: "nope".into(),
    };
    let error = app.invoke(turn_off, &cookie).await.refused();
    assert_eq!(error, AppError(Refusal::WrongPassword));
    // Turned off without JavaScript: back on the Security page, and one step signs in again.
    let res = app
        .post_form(
            path_of::<TurnOffTotp>(),
            "/account/security",
            &[("password", PASSWORD)],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), "/account/security?changed=1");
    let page = app.page("/account/security?changed=1", &cookie).await;
    assert!(
        page.contains("Sign out everywhere else"),
        "offered after the change"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM totp_factors").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM recovery_codes").await, 0);
    let res = app.sign_in(EMAIL, PASSWORD).await;
    assert!(session_cookie(res.headers()).is_some());
}

async fn the_waiting_sign_in_is_bound_and_short_lived(app: TestApp) {
    let (cookie, secret, _, _) = with_totp(&app).await;
    // No waiting sign-in, another browser's cookie, a forged one: nothing to complete.
    for pending in ["", "potions_pending_sign_in=forged", &cookie] {
        let res = second_step(&app, &app.base_url, pending, &code(&secret, 1)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{pending}");
        assert_eq!(res.text().await.unwrap(), "\"SecondStepExpired\"");
    }
    // The page for the second step is public, and a waiting sign-in is no session.
    let pending = password_step(&app, &app.base_url).await;
    assert_eq!(
        app.get("/login/verify", None).await.status(),
        StatusCode::OK
    );
    let res = app.get("/account", Some(&pending)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Five minutes later it is gone.
    sqlx::query("UPDATE pending_sign_ins SET expires_at = expires_at - 301")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let res = second_step(&app, &app.base_url, &pending, &code(&secret, 1)).await;
    assert_eq!(res.text().await.unwrap(), "\"SecondStepExpired\"");

    // Without JavaScript: the form posts, the browser lands where it was going.
    let pending = password_step(&app, &app.base_url).await;
    let res = app
        .post_form(
            path_of::<VerifySignIn>(),
            "/login/verify?next=%2Faccount",
            &[("code", &code(&secret, 1)), ("next", "/account")],
            Some(&pending),
        )
        .await;
    assert_eq!(location(&res), "/account");
    assert!(session_cookie(res.headers()).is_some());
}

async fn guesses_are_throttled_and_every_answer_is_the_same(app: TestApp) {
    let (_, secret, _, _) = with_totp(&app).await;
    let pending = password_step(&app, &app.base_url).await;
    let guesses = futures::future::join_all((0..1000).map(|n| {
        let pending = pending.clone();
        let app = &app;
        async move {
            let guess = format!("{:06}", 100_000 + n);
            second_step(app, &app.base_url, &pending, &guess)
                .await
                .status()
        }
    }))
    .await;
    let count = |status: StatusCode| guesses.iter().filter(|s| **s == status).count();
    let checked = count(StatusCode::UNPROCESSABLE_ENTITY);
    let throttled = count(StatusCode::TOO_MANY_REQUESTS);
    let ended = count(StatusCode::UNAUTHORIZED);
    assert!(guesses.iter().all(|s| *s != StatusCode::OK), "{guesses:?}");
    // At most five wrong codes are checked for one waiting sign-in (counted
    // before each check, so parallel guesses cannot race past it); the
    // others wait, or find the sign-in ended by its last try.
    assert!(checked <= 5, "{checked} guesses were checked");
    assert!(ended >= 1, "the last try ends the waiting sign-in");
    assert_eq!(checked + throttled + ended, 1000, "{guesses:?}");
    // Slowed down, not locked: once the wait is over, the password and the
    // right code sign in.
    sqlx::query("DELETE FROM login_failures")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let res = second_step(&app, &app.base_url, &pending, &code(&secret, 1)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "that sign-in ended");
    let pending = password_step(&app, &app.base_url).await;
    let res = second_step(&app, &app.base_url, &pending, &code(&secret, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// Codes that are none of the authenticator's near its current step.
pub(crate) fn wrong_codes(secret: &str, count: usize) -> Vec<String> {
    let valid: Vec<String> = (-2..=2).map(|offset| code(secret, offset)).collect();
    (0..)
        .map(|n: u32| format!("{:06}", 424_242 + n))
        .filter(|guess| !valid.contains(guess))
        .take(count)
        .collect()
}

async fn warning_of(app: &TestApp, res: reqwest::Response) -> Option<String> {
    assert_eq!(res.status(), StatusCode::OK, "signed in");
    let session = session_cookie(res.headers()).expect("a session");
    app.invoke(CurrentUser {}, &session)
        .await
        .ok()
        .expect("signed in")
        .warning
}

/// Five tries per waiting sign-in, then the password again; after 100 wrong
/// second steps in a row authenticator codes stop (a recovery code still
/// signs in, and makes them work again); each sign-in is told how many
/// wrong second steps came before it.
async fn guessing_is_bounded_per_sign_in_and_per_account(app: TestApp) {
    let (_, secret, recovery, _) = with_totp(&app).await;
    let answer = |res: reqwest::Response| async move { res.text().await.unwrap() };

    // As if 100 wrong codes had been tried: even the right code is refused.
    sqlx::query("UPDATE users SET second_step_failures = 100")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let pending = password_step(&app, &app.base_url).await;
    let right = code(&secret, 1);
    let res = second_step(&app, &app.base_url, &pending, &right).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer(res).await, "\"AuthenticatorCodesStopped\"");
    let res = second_step(&app, &app.base_url, &pending, &recovery[0]).await;
    let warning = warning_of(&app, res)
        .await
        .expect("told of the wrong steps");
    assert!(
        warning.contains("101 wrong codes or passkeys were tried"),
        "{warning}"
    );
    // Codes work again, and this sign-in has nothing to be told.
    let pending = password_step(&app, &app.base_url).await;
    let res = second_step(&app, &app.base_url, &pending, &right).await;
    assert_eq!(warning_of(&app, res).await, None);

    // Five wrong codes: the fifth ends the waiting sign-in.
    let pending = password_step(&app, &app.base_url).await;
    let guesses = wrong_codes(&secret, 5);
    for guess in &guesses[..4] {
        let res = second_step(&app, &app.base_url, &pending, guess).await;
        assert_eq!(answer(res).await, "\"SecondFactorWrong\"");
    }
    let res = second_step(&app, &app.base_url, &pending, &guesses[4]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(answer(res).await, "\"SecondStepTooManyTries\"");
    let res = second_step(&app, &app.base_url, &pending, &recovery[1]).await;
    assert_eq!(
        answer(res).await,
        "\"SecondStepExpired\"",
        "the password again"
    );

    // The next sign-in is told, above every page.
    let pending = password_step(&app, &app.base_url).await;
    let res = second_step(&app, &app.base_url, &pending, &recovery[1]).await;
    let session = session_cookie(res.headers()).expect("signed in");
    let page = app.page("/account", &session).await;
    assert!(
        page.contains("5 wrong codes or passkeys were tried at the second step"),
        "{page}"
    );
    let failed = "SELECT CAST(COALESCE(SUM(repeats), 0) AS BIGINT) FROM activity \
                  WHERE action = 'account.sign_in.second_factor' AND outcome = 'failed'";
    assert_eq!(app.count(failed).await, 6, "every wrong step is in the log");
}
