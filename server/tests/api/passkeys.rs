//! Passkeys as the second step: added behind the password, used once per
//! ceremony, bound to the account and the browser's waiting sign-in, with
//! user verification; removed behind the password.

use crate::support::{
    begin_passkey_sign_in, cookie_set, finish_passkey_sign_in, location, path_of, session_cookie,
    Authenticator, BeginPasskeyRegistration, FinishPasskeyRegistration, FinishPasskeySignIn,
    LoadSecondSteps, LoadSecurity, RemovePasskey, RenamePasskey, TestApp, PASSWORD,
};
use reqwest::header::{COOKIE, ORIGIN};
use reqwest::StatusCode;
use serde_json::{json, Value};

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
fn named<'a>(overview: &'a Value, name: &str) -> &'a Value {
    overview["passkeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no passkey {name} in {overview}"))
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
    assert_eq!(
        codes.as_array().unwrap().len(),
        10,
        "the first factor's codes"
    );
    let mut phone = Authenticator::new(&app);
    let codes = phone.register(&app, &cookie, "Phone").await;
    assert_eq!(codes, json!([]), "a second factor keeps the codes");
    let (_, overview) = app.call(path_of::<LoadSecurity>(), &[], &cookie).await;
    assert_eq!(overview["totp"], "Off");
    assert_eq!(overview["passkeys"].as_array().unwrap().len(), 2);
    assert_eq!(overview["recovery_codes_left"], 10);
    let origin = overview["passkey_origin"].as_str().unwrap();
    assert!(origin.starts_with("http://localhost:"), "{origin}");

    let pending = password_step(&app, EMAIL).await;
    let (_, steps) = app.call(path_of::<LoadSecondSteps>(), &[], &pending).await;
    assert_eq!(steps, json!({"authenticator": false, "passkey": true}));
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

    let (_, overview) = app.call(path_of::<LoadSecurity>(), &[], &session).await;
    assert!(named(&overview, "Laptop")["last_used_at"].is_null());
    assert!(named(&overview, "Phone")["last_used_at"].is_i64());
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
    let phone_id = named(&overview, "Phone")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let markup = "<img src=x onerror=alert(1)>";
    let (status, _) = app
        .call(
            path_of::<RenamePasskey>(),
            &[("id", &phone_id), ("name", markup)],
            &session,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = app.page("/account/security", &session).await;
    assert!(
        !page.contains(markup) && page.contains("&lt;img"),
        "escaped"
    );

    // Removing asks for the password; the last one takes the codes with it.
    let laptop_id = named(&overview, "Laptop")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, error) = app
        .call(
            path_of::<RemovePasskey>(),
            &[("id", &laptop_id), ("password", "guess")],
            &session,
        )
        .await;
    assert_eq!(
        (status, error),
        (StatusCode::UNPROCESSABLE_ENTITY, "WrongPassword".into())
    );
    for id in [&laptop_id, &phone_id] {
        let (status, body) = app
            .call(
                path_of::<RemovePasskey>(),
                &[("id", id), ("password", PASSWORD)],
                &session,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
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
    let begin = |cookie: String, name: &'static str| {
        let app = &app;
        async move {
            let form = [("name", name), ("password", PASSWORD)];
            app.call(path_of::<BeginPasskeyRegistration>(), &form, &cookie)
                .await
        }
    };
    let finish = |cookie: String, ceremony: String, credential: String| {
        let app = &app;
        async move {
            let form = [
                ("ceremony", ceremony.as_str()),
                ("credential", credential.as_str()),
            ];
            app.call(path_of::<FinishPasskeyRegistration>(), &form, &cookie)
                .await
        }
    };

    for name in ["", " ", "a\u{7}b", &"x".repeat(65)] {
        let form = [("name", name), ("password", PASSWORD)];
        let (_, error) = app
            .call(path_of::<BeginPasskeyRegistration>(), &form, &ada)
            .await;
        assert_eq!(error, "InvalidPasskeyName", "{name:?}");
    }
    let (_, error) = app
        .call(
            path_of::<BeginPasskeyRegistration>(),
            &[("name", "Key"), ("password", "guess")],
            &ada,
        )
        .await;
    assert_eq!(error, "WrongPassword");

    // Without user verification.
    let (_, challenge) = begin(ada.clone(), "Key").await;
    let mut options: Value = serde_json::from_str(challenge["options"].as_str().unwrap()).unwrap();
    options["publicKey"]["authenticatorSelection"]["userVerification"] = "discouraged".into();
    let credential = key.create(&options.to_string());
    let ceremony = challenge["ceremony"].as_str().unwrap().to_string();
    let (_, error) = finish(ada.clone(), ceremony, credential).await;
    assert_eq!(error, "PasskeyRefused");

    // Another user cannot finish Ada's ceremony; Ada finishes it once.
    let (_, challenge) = begin(ada.clone(), "Key").await;
    let credential = key.create(challenge["options"].as_str().unwrap());
    let ceremony = challenge["ceremony"].as_str().unwrap().to_string();
    let (_, error) = finish(eve.clone(), ceremony.clone(), credential.clone()).await;
    assert_eq!(error, "PasskeyExpired");
    let (status, _) = finish(ada.clone(), ceremony.clone(), credential.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (_, error) = finish(ada.clone(), ceremony, credential.clone()).await;
    assert_eq!(error, "PasskeyExpired");

    // Ada's new credential offered to Eve's ceremony.
    let (_, challenge) = begin(eve.clone(), "Stolen").await;
    let ceremony = challenge["ceremony"].as_str().unwrap().to_string();
    let (_, error) = finish(eve.clone(), ceremony, credential).await;
    assert_eq!(error, "PasskeyRefused");
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
