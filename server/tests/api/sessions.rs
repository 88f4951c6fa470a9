//! Account → Sessions: each signed-in browser listed with what it said of
//! itself, ended one at a time or all but this one, never another user's,
//! and never named by anything a cookie could be made from.

use crate::support::{
    form_post, location, path_of, session_cookie, EndOtherSessions, EndSession, ListSessions,
    SignIn, TestApp, PASSWORD,
};
use app::account::SessionSummary;
use app::error::{AppError, Refusal};
use reqwest::header::USER_AGENT;
use reqwest::StatusCode;

on_both_databases!(
    sessions_are_listed_and_ended_one_or_all,
    another_users_sessions_stay_out_of_reach,
    an_ipv6_client_shows_its_whole_address,
    signing_up_ends_the_browsers_previous_session,
);

/// A browser signed in as one account that signs up another leaves no live
/// session of the first behind on the server.
async fn signing_up_ends_the_browsers_previous_session(app: TestApp) {
    let first = app.sign_up("ada@example.com").await;
    let res = app
        .post_form(
            path_of::<crate::support::SignUp>(),
            "/signup",
            &[("email", "grace@example.com"), ("password", PASSWORD)],
            Some(&first),
        )
        .await;
    assert!(session_cookie(res.headers()).is_some(), "signed up");
    assert_eq!(
        app.get("/account", Some(&first)).await.status(),
        StatusCode::SEE_OTHER,
        "the first account's session ended"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/// Signs `email` in from a browser that names itself `user_agent`; answers the cookie.
async fn sign_in_from(app: &TestApp, email: &str, user_agent: &str) -> String {
    let form = [("email", email), ("password", PASSWORD)];
    let res = form_post(
        &app.client,
        &app.base_url,
        path_of::<SignIn>(),
        "/login",
        &form,
        None,
    )
    .header(USER_AGENT, user_agent)
    .send()
    .await
    .unwrap();
    session_cookie(res.headers()).expect("signed in")
}

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    app.invoke(ListSessions {}, cookie).await.status == StatusCode::OK
}

async fn sessions(app: &TestApp, cookie: &str) -> Vec<SessionSummary> {
    app.invoke(ListSessions {}, cookie).await.ok()
}

fn end(handle: &str) -> EndSession {
    EndSession {
        handle: handle.into(),
    }
}

async fn sessions_are_listed_and_ended_one_or_all(app: TestApp) {
    let first = app.sign_up("ada@example.com").await;
    let firefox = sign_in_from(&app, "ada@example.com", FIREFOX).await;
    let chrome = sign_in_from(&app, "ada@example.com", CHROME).await;

    let list = sessions(&app, &chrome).await;
    assert_eq!(list.len(), 3, "{list:?}");
    let current: Vec<_> = list.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].user_agent, CHROME);
    assert!(list
        .iter()
        .all(|s| s.client_address == "127.0.0.1" && s.factors == "password"));
    // Handles name sessions; no cookie appears anywhere.
    let answer = serde_json::to_string(&list).unwrap();
    for cookie in [&first, &firefox, &chrome] {
        let secret = cookie.split('=').nth(1).unwrap();
        assert!(!answer.contains(secret));
    }
    let page = app.page("/account/sessions", &chrome).await;
    assert!(
        page.contains("Firefox on Windows") && page.contains("This browser"),
        "{page}"
    );
    assert!(!page.contains(chrome.split('=').nth(1).unwrap()));

    // One browser signed out from another, without JavaScript.
    let handle = |ua: &str| {
        list.iter()
            .find(|s| s.user_agent == ua)
            .map(|s| s.handle.clone())
            .unwrap()
    };
    let res = app
        .post_form(
            path_of::<EndSession>(),
            "/account/sessions",
            &[("handle", &handle(FIREFOX))],
            Some(&chrome),
        )
        .await;
    assert_eq!(location(&res), "/account/sessions");
    assert!(!signed_in(&app, &firefox).await, "Firefox is signed out");
    assert!(signed_in(&app, &chrome).await && signed_in(&app, &first).await);
    // Ending it again says it is already over.
    let refused = app.invoke(end(&handle(FIREFOX)), &chrome).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.refused(), AppError(Refusal::SessionNotFound));

    // Everywhere else: only this browser stays.
    app.invoke(EndOtherSessions {}, &chrome).await.ok();
    assert!(!signed_in(&app, &first).await);
    assert!(signed_in(&app, &chrome).await);
    assert_eq!(sessions(&app, &chrome).await.len(), 1);
}

async fn another_users_sessions_stay_out_of_reach(app: TestApp) {
    let ada = app.sign_up("ada@example.com").await;
    let mallory = app.sign_up("mallory@example.com").await;
    let ada_handle = sessions(&app, &ada).await[0].handle.clone();
    assert_eq!(sessions(&app, &mallory).await.len(), 1, "only her own");

    let refused = app.invoke(end(&ada_handle), &mallory).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.refused(), AppError(Refusal::SessionNotFound));
    app.invoke(EndOtherSessions {}, &mallory).await.ok();
    assert!(signed_in(&app, &ada).await, "Ada is still signed in");
    for hostile in ["", "%00", &"a".repeat(10_000), "' OR 1=1 --"] {
        let status = app.invoke(end(hostile), &mallory).await.status;
        assert_eq!(status, StatusCode::NOT_FOUND, "{hostile:.20}");
    }
    assert!(signed_in(&app, &ada).await && signed_in(&app, &mallory).await);
}

/// Throttles count an IPv6 client by its /64; Sessions and the activity log
/// show the address it came from.
async fn an_ipv6_client_shows_its_whole_address(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let proxied = app
        .second_instance_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()])
        .await;
    let client = "2001:db8:1:2:3:4:5:6";
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];
    let res = form_post(
        &app.client,
        &proxied,
        path_of::<SignIn>(),
        "/login",
        &form,
        None,
    )
    .header("x-forwarded-for", client)
    .send()
    .await
    .unwrap();
    let cookie = session_cookie(res.headers()).expect("signed in");
    let current = sessions(&app, &cookie)
        .await
        .into_iter()
        .find(|s| s.current)
        .expect("this browser's session");
    assert_eq!(current.client_address, client);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM activity WHERE client_address = '{client}'"
        ))
        .await,
        1,
        "the sign-in's entry"
    );
}
