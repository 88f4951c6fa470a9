//! Passkeys as the second step: added behind the password, used once per
//! ceremony, bound to the account and the browser's waiting sign-in, with
//! user verification; removed behind the password.

use crate::support::{
    begin_passkey_sign_in, cookie_set, finish_passkey_sign_in, location, path_of, session_cookie,
    Authenticator, BeginPasskeyRegistration, FinishPasskeyRegistration, FinishPasskeySignIn,
    LoadSecondSteps, LoadSecurity, RemovePasskey, RenamePasskey, TestApp, PASSWORD,
};
use app::account::{PasskeySummary, SecurityOverview, TotpView};
use app::auth::SecondSteps;
use app::error::{AppError, Refusal};
use reqwest::header::{COOKIE, ORIGIN};
use reqwest::StatusCode;
use serde_json::Value;

on_both_databases!(
    a_passkey_is_a_second_factor,
    assertions_that_must_fail_do,
    registrations_that_must_fail_do,
);

const EMAIL: &str = "ada@example.com";
const PENDING: &str = "potions_pending_sign_in";

/// The password step: the waiting sign-in's cookie.
async fn password_step(app: &TestApp, email: &str) -> String {
    let res = app.sign_in(email, PASSWORD).await;
    assert!(location(&res).starts_with("/login/verify"), "{email}");
    assert_eq!(session_cookie(res.headers()), None);
    cookie_set(res.headers(), PENDING).expect("a waiting sign-in")
}

/// The passkey named `name` in a Security overview.
fn named<'a>(overview: &'a SecurityOverview, name: &str) -> &'a PasskeySummary {
    overview
        .passkeys
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no passkey {name} in {overview:?}"))
}

fn remove(id: &str, password: &str) -> RemovePasskey {
    RemovePasskey {
        id: id.into(),
        password: password.into(),
    }
}

async fn answer(res: reqwest::Response) -> (StatusCode, Option<String>, String) {
    let session = session_cookie(res.headers());
    (res.status(), session, res.text().await.unwrap())
}

async fn a_passkey_is_a_second_factor(app: TestApp) {
    let logs = crate::token_leaks::logs();
    let cookie = app.sign_up(EMAIL).await;
    let mut laptop = Authenticator::new(&app);
    let codes = laptop.register(&app, &cookie, "Laptop").await;
    assert_eq!(codes.len(), 10, "the first factor's codes");
    let mut phone = Authenticator::new(&app);
    let codes = phone.register(&app, &cookie, "Phone").await;
    assert_eq!(
        codes,
        Vec::<String>::new(),
        "a second factor keeps the codes"
    );
    let overview = app.invoke(LoadSecurity {}, &cookie).await.ok();
    assert_eq!(overview.totp, TotpView::Off);
    assert_eq!(overview.passkeys.len(), 2);
    assert_eq!(overview.recovery_codes_left, 10);
    let origin = overview.passkey_origin.as_deref().unwrap_or_default();
    assert!(origin.starts_with("http://localhost:"), "{origin}");

    let pending = password_step(&app, EMAIL).await;
    let steps = app.invoke(LoadSecondSteps {}, &pending).await.ok();
    assert_eq!(
        steps,
        SecondSteps {
            authenticator: false,
            passkey: true
        }
    );
    let (ceremony, options) = begin_passkey_sign_in(&app, &pending).await;
    let assertion = phone.get(&options, |_| {});
    let (status, session, body) =
        answer(finish_passkey_sign_in(&app, &pending, &ceremony, &assertion).await).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "\"/account\""));
    let session = session.expect("signed in");
    assert_eq!(
        app.get("/account", Some(&session)).await.status(),
        StatusCode::OK
    );
    // Its answer cannot sign in twice.
    let (status, session_again, body) =
        answer(finish_passkey_sign_in(&app, &pending, &ceremony, &assertion).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(session_again, None);

    let overview = app.invoke(LoadSecurity {}, &session).await.ok();
    assert!(named(&overview, "Laptop").last_used_at.is_none());
    assert!(named(&overview, "Phone").last_used_at.is_some());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE factors = 'password and passkey'")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM activity WHERE action = 'account.sign_in.passkey' \
             AND outcome = 'ok'"
        )
        .await,
        1
    );

    // A name is plain text, wherever it shows.
    let phone_id = named(&overview, "Phone").id.clone();
    let markup = "<img src=x onerror=alert(1)>";
    let rename = RenamePasskey {
        id: phone_id.clone(),
        name: markup.into(),
    };
    app.invoke(rename, &session).await.ok();
    let page = app.page("/account/security", &session).await;
    assert!(
        !page.contains(markup) && page.contains("&lt;img"),
        "escaped"
    );

    // Removing asks for the password; the last one takes the codes with it.
    let laptop_id = named(&overview, "Laptop").id.clone();
    let wrong = app.invoke(remove(&laptop_id, "guess"), &session).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.refused(), AppError(Refusal::WrongPassword));
    for id in [&laptop_id, &phone_id] {
        app.invoke(remove(id, PASSWORD), &session).await.ok();
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM recovery_codes").await, 0);
    let res = app.sign_in(EMAIL, PASSWORD).await;
    assert!(
        session_cookie(res.headers()).is_some(),
        "the password alone again"
    );

    // The ceremony's id and the browser's answers are never logged.
    let logged = logs.text();
    assert!(!logged.contains(&ceremony) && !logged.contains(&assertion));
}

async fn assertions_that_must_fail_do(app: TestApp) {
    let ada = app.sign_up(EMAIL).await;
    let mut ada_key = Authenticator::new(&app);
    ada_key.register(&app, &ada, "Ada's key").await;
    let eve = app.sign_up("eve@example.com").await;
    let mut eve_key = Authenticator::new(&app);
    eve_key.register(&app, &eve, "Eve's key").await;
    let refused = |(status, session, body): (StatusCode, Option<String>, String)| {
        assert_eq!(session, None, "{body}");
        assert!(status.is_client_error(), "{status} {body}");
        body
    };

    let pending = password_step(&app, EMAIL).await;
    // Eve's passkey answering Ada's challenge.
    let (ceremony, options) = begin_passkey_sign_in(&app, &pending).await;
    let eve_pending = password_step(&app, "eve@example.com").await;
    let (_, eve_options) = begin_passkey_sign_in(&app, &eve_pending).await;
    let eve_options: Value = serde_json::from_str(&eve_options).unwrap();
    let forged = eve_key.get(&options, |o| {
        o["publicKey"]["allowCredentials"] = eve_options["publicKey"]["allowCredentials"].clone();
    });
    let res = finish_passkey_sign_in(&app, &pending, &ceremony, &forged).await;
    assert_eq!(refused(answer(res).await), "\"PasskeyRefused\"");
    // The ceremony went with that answer: Ada's own cannot follow it.
    let late = ada_key.get(&options, |_| {});
    let res = finish_passkey_sign_in(&app, &pending, &ceremony, &late).await;
    assert_eq!(refused(answer(res).await), "\"PasskeyExpired\"");

    // Ada's passkey without user verification.
    let (ceremony, options) = begin_passkey_sign_in(&app, &pending).await;
    let unverified = ada_key.get(&options, |o| {
        o["publicKey"]["userVerification"] = "discouraged".into();
    });
    let res = finish_passkey_sign_in(&app, &pending, &ceremony, &unverified).await;
    assert_eq!(refused(answer(res).await), "\"PasskeyRefused\"");

    // A new ceremony replaces the waiting sign-in's earlier one, so starting
    // them in a loop keeps one row: the earlier id is spent.
    let (earlier, earlier_options) = begin_passkey_sign_in(&app, &pending).await;
    begin_passkey_sign_in(&app, &pending).await;
    let good = ada_key.get(&earlier_options, |_| {});
    let res = finish_passkey_sign_in(&app, &pending, &earlier, &good).await;
    assert_eq!(refused(answer(res).await), "\"PasskeyExpired\"");

    // Malformed and oversized answers.
    let (ceremony, options) = begin_passkey_sign_in(&app, &pending).await;
    for hostile in ["{not json", "[]", "{\"id\": 1}"] {
        let res = finish_passkey_sign_in(&app, &pending, &ceremony, hostile).await;
        assert_eq!(refused(answer(res).await), "\"PasskeyRefused\"");
    }
    // Its own client: the server may close that connection mid-upload.
    let huge = "x".repeat(300_000);
    let oversized = reqwest::Client::new()
        .post(app.url(path_of::<FinishPasskeySignIn>()))
        .header(ORIGIN, &app.base_url)
        .header(COOKIE, &pending)
        .form(&[
            ("ceremony", ceremony.as_str()),
            ("credential", huge.as_str()),
        ])
        .send()
        .await;
    match oversized {
        Ok(res) => assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(err) => assert!(err.is_request(), "{err}"),
    }

    // A ceremony started by another browser (another waiting sign-in of the
    // same account) is not this one's.
    let other_browser = password_step(&app, EMAIL).await;
    let good = ada_key.get(&options, |_| {});
    let res = finish_passkey_sign_in(&app, &other_browser, &ceremony, &good).await;
    assert_eq!(refused(answer(res).await), "\"PasskeyExpired\"");
    // Its own browser finishes it.
    let (status, session, _) =
        answer(finish_passkey_sign_in(&app, &pending, &ceremony, &good).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(session.is_some());

    // No waiting sign-in at all.
    let res =
        finish_passkey_sign_in(&app, "potions_pending_sign_in=forged", &ceremony, &good).await;
    assert_eq!(refused(answer(res).await), "\"SecondStepExpired\"");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE factors = 'password and passkey'")
            .await,
        1
    );
}

async fn registrations_that_must_fail_do(app: TestApp) {
    let ada = app.sign_up(EMAIL).await;
    let eve = app.sign_up("eve@example.com").await;
    let mut key = Authenticator::new(&app);
    let begin = |cookie: String, name: &str, password: &str| {
        let app = &app;
        let args = BeginPasskeyRegistration {
            name: name.into(),
            password: password.into(),
        };
        async move { app.invoke(args, &cookie).await }
    };
    let finish = |cookie: String, ceremony: String, credential: String| {
        let app = &app;
        let args = FinishPasskeyRegistration {
            ceremony,
            credential,
        };
        async move { app.invoke(args, &cookie).await }
    };
    let refusal = |reason| AppError(reason);

    for name in ["", " ", "a\u{7}b", &"x".repeat(65)] {
        let error = begin(ada.clone(), name, PASSWORD).await.refused();
        assert_eq!(error, refusal(Refusal::InvalidPasskeyName), "{name:?}");
    }
    let error = begin(ada.clone(), "Key", "guess").await.refused();
    assert_eq!(error, refusal(Refusal::WrongPassword));

    // Without user verification.
    let challenge = begin(ada.clone(), "Key", PASSWORD).await.ok();
    let mut options: Value = serde_json::from_str(&challenge.options).unwrap();
    options["publicKey"]["authenticatorSelection"]["userVerification"] = "discouraged".into();
    let credential = key.create(&options.to_string());
    let error = finish(ada.clone(), challenge.ceremony, credential)
        .await
        .refused();
    assert_eq!(error, refusal(Refusal::PasskeyRefused));

    // Another user cannot finish Ada's ceremony; Ada finishes it once.
    let challenge = begin(ada.clone(), "Key", PASSWORD).await.ok();
    let credential = key.create(&challenge.options);
    let ceremony = challenge.ceremony;
    let error = finish(eve.clone(), ceremony.clone(), credential.clone())
        .await
        .refused();
    assert_eq!(error, refusal(Refusal::PasskeyExpired));
    finish(ada.clone(), ceremony.clone(), credential.clone())
        .await
        .ok();
    let error = finish(ada.clone(), ceremony, credential.clone())
        .await
        .refused();
    assert_eq!(error, refusal(Refusal::PasskeyExpired));

    // Ada's new credential offered to Eve's ceremony.
    let challenge = begin(eve.clone(), "Stolen", PASSWORD).await.ok();
    let error = finish(eve.clone(), challenge.ceremony, credential)
        .await
        .refused();
    assert_eq!(error, refusal(Refusal::PasskeyRefused));
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM activity WHERE action = 'account.passkey.added' \
             AND outcome = 'failed'"
        )
        .await,
        4
    );
}
