//! The OAuth host, driven over HTTP as a browser and Potions would.

use base64::Engine as _;
use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Duration;

use crate::support::{Setup, POTIONS_SCOPES, REDIRECT_URI};

const VERIFIER: &str = "a-long-and-random-pkce-verifier-of-at-least-43-characters-1234567";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Changes to the authorize query: `(parameter, Some(value))` sets it, `None` drops it.
type Changes<'a> = &'a [(&'a str, Option<&'a str>)];

/// The authorize query Potions sends, with `changes` applied.
fn authorize_query(s: &Setup, changes: Changes) -> Vec<(String, String)> {
    let scope = POTIONS_SCOPES.join(" ");
    let mut query: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", s.app.client_id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope.as_str()),
        ("state", "state-123"),
        ("prompt", "select_account"),
        ("code_challenge", challenge(VERIFIER).as_str()),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in changes {
        query.retain(|(k, _)| k != key);
        if let Some(value) = value {
            query.push((key.to_string(), value.to_string()));
        }
    }
    query
}

async fn authorize(s: &Setup, changes: Changes<'_>) -> reqwest::Response {
    s.http
        .get(format!("{}/authorize", s.fake.oauth_base_url()))
        .query(&authorize_query(s, changes))
        .send()
        .await
        .unwrap()
}

/// The value of the first `name="…" value="…"` pair in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).map(|i| i + marker.len()).unwrap();
    page[start..].split('"').next().unwrap().to_string()
}

/// `?a=b&c=d` of a redirect, as pairs.
fn redirect_params(response: &reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[LOCATION].to_str().unwrap();
    let (base, query) = location.split_once('?').unwrap();
    assert_eq!(base, REDIRECT_URI);
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Signs in on the consent page and answers; returns the redirect.
async fn consent(s: &Setup, team_index: usize, decision: &str) -> reqwest::Response {
    let page = authorize(s, &[]).await.text().await.unwrap();
    let request = hidden(&page, "request");
    let base = s.fake.oauth_base_url();
    let wrong = s
        .http
        .post(format!("{base}/authorize/sign_in"))
        .form(&[
            ("request", request.as_str()),
            ("email", s.user.email.as_str()),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Incorrect email or password"));
    let teams_page = s
        .http
        .post(format!("{base}/authorize/sign_in"))
        .form(&[
            ("request", request.as_str()),
            ("email", s.user.email.as_str()),
            ("password", &s.user.password),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for team in &s.user.teams {
        assert!(
            teams_page.contains(&team.name)
                || teams_page.contains(&team.name.replace('\'', "&#39;"))
        );
    }
    assert!(
        teams_page.contains("droplet:create"),
        "the consent page lists the scopes"
    );
    let team = s.user.teams[team_index].uuid.as_str();
    s.http
        .post(format!("{base}/authorize/decision"))
        .form(&[
            ("request", request.as_str()),
            ("team", team),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap()
}

async fn code_for(s: &Setup, team_index: usize) -> String {
    let params = redirect_params(&consent(s, team_index, "authorize").await);
    assert_eq!(param(&params, "state"), Some("state-123"));
    param(&params, "code").unwrap().to_string()
}

async fn token(s: &Setup, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = s.post_form(&format!("/v1/oauth/{path}"), form).await;
    (response.status(), response.json().await.unwrap())
}

fn code_form<'a>(s: &'a Setup, code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", s.app.client_id.as_str()),
        ("client_secret", s.app.client_secret.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ]
}

fn refresh_form<'a>(s: &'a Setup, refresh: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh),
        ("client_id", s.app.client_id.as_str()),
        ("client_secret", s.app.client_secret.as_str()),
    ]
}

#[tokio::test]
async fn the_whole_dance_consent_code_token_call_refresh_revoke() {
    let s = Setup::started().await;
    let code = code_for(&s, 1).await;

    let (status, answer) = token(&s, "token", &code_form(&s, &code)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let access = answer["access_token"].as_str().unwrap().to_string();
    let refresh = answer["refresh_token"].as_str().unwrap().to_string();
    assert!(access.starts_with("doo_v1_") && refresh.starts_with("dor_v1_"));
    assert_eq!(answer["token_type"], "bearer");
    assert_eq!(answer["expires_in"], 2_592_000);
    assert_eq!(answer["info"]["team_name"], "Acme");
    assert_eq!(answer["info"]["team_uuid"], s.user.teams[1].uuid.as_str());
    assert_eq!(answer["info"]["email"], "sammy@example.com");
    assert_eq!(answer["info"]["uuid"], s.user.uuid.as_str());

    // A code works once.
    let (status, reused) = token(&s, "token", &code_form(&s, &code)).await;
    assert_eq!(
        (status, reused["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let (status, _, account) = s.call(Method::GET, "/v2/account", &access, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(account["account"]["team"]["name"], "Acme");

    // Refreshing (at the older `/refresh` too) retires the pair it replaces.
    let (status, renewed) = token(&s, "refresh", &refresh_form(&s, &refresh)).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap().to_string();
    let new_refresh = renewed["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new_access, access);
    assert_eq!(
        s.call(Method::GET, "/v2/account", &access, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, again) = token(&s, "token", &refresh_form(&s, &refresh)).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(
        s.call(Method::GET, "/v2/account", &new_access, None)
            .await
            .0,
        StatusCode::OK
    );

    // Revoke answers `{}`. Revoking the access token ends it alone (RFC 7009
    // §2.1: the refresh token still works); revoking the refresh token ends
    // the whole grant.
    let revoke = |bearer: String, token: String| {
        let (http, url) = (
            s.http.clone(),
            format!("{}/revoke", s.fake.oauth_base_url()),
        );
        async move {
            http.post(url)
                .bearer_auth(&bearer)
                .form(&[("token", token.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    let revoked = revoke(new_access.clone(), new_access.clone()).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        revoked.json::<Value>().await.unwrap(),
        serde_json::json!({})
    );
    assert_eq!(
        s.call(Method::GET, "/v2/account", &new_access, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = token(&s, "token", &refresh_form(&s, &new_refresh)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the refresh token outlives its access token"
    );
    let last_access = body["access_token"].as_str().unwrap().to_string();
    let last_refresh = body["refresh_token"].as_str().unwrap().to_string();
    let revoked = revoke(last_access.clone(), last_refresh.clone()).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        s.call(Method::GET, "/v2/account", &last_access, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "the grant ended with its refresh token"
    );
    let (status, _) = token(&s, "token", &refresh_form(&s, &last_refresh)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn untrusted_requests_get_an_error_page_and_no_redirect() {
    let s = Setup::started().await;
    let cases: [Changes; 6] = [
        &[("client_id", Some("unknown"))],
        &[("client_id", None)],
        &[(
            "redirect_uri",
            Some("http://127.0.0.1:9/connect/digitalocean/callback/"),
        )],
        &[("redirect_uri", Some("https://evil.example/callback"))],
        &[("scope", Some("account:read droplet:destroy_everything"))],
        &[("scope", Some("droplet:create"))],
    ];
    for changes in cases {
        let response = authorize(&s, changes).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{changes:?}");
        assert!(response.headers().get(LOCATION).is_none(), "{changes:?}");
        assert!(response.text().await.unwrap().contains("role=\"alert\""));
    }
}

#[tokio::test]
async fn malformed_requests_from_a_trusted_app_go_back_with_an_error() {
    let s = Setup::started().await;
    let cases: [(Changes, &str); 5] = [
        (
            &[("response_type", Some("token"))],
            "unsupported_response_type",
        ),
        (&[("state", None)], "invalid_request"),
        (&[("prompt", Some("bogus"))], "invalid_request"),
        (
            &[("code_challenge_method", Some("plain"))],
            "invalid_request",
        ),
        (&[("code_challenge", Some("short"))], "invalid_request"),
    ];
    for (changes, error) in cases {
        let params = redirect_params(&authorize(&s, changes).await);
        assert_eq!(param(&params, "error"), Some(error), "{changes:?}");
        assert!(param(&params, "code").is_none());
    }
}

#[tokio::test]
async fn deny_sends_access_denied_with_the_state() {
    let s = Setup::started().await;
    let params = redirect_params(&consent(&s, 0, "deny").await);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("state-123"));
    assert!(param(&params, "code").is_none());
}

#[tokio::test]
async fn the_token_endpoint_refuses_every_bad_exchange() {
    let s = Setup::started().await;
    // Credentials only in HTTP Basic are not read.
    let code = code_for(&s, 0).await;
    let basic = s
        .http
        .post(format!("{}/token", s.fake.oauth_base_url()))
        .basic_auth(&s.app.client_id, Some(&s.app.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        basic.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let wrong_secret = |form: &mut Vec<(&str, &str)>| form[3] = ("client_secret", "not-the-secret");
    let wrong_redirect =
        |form: &mut Vec<(&str, &str)>| form[4] = ("redirect_uri", "http://127.0.0.1:9/other");
    let wrong_verifier =
        |form: &mut Vec<(&str, &str)>| form[5] = ("code_verifier", "not-the-verifier");
    let no_verifier = |form: &mut Vec<(&str, &str)>| {
        form.remove(5);
    };
    let no_code = |form: &mut Vec<(&str, &str)>| {
        form.remove(1);
    };
    let bad_grant = |form: &mut Vec<(&str, &str)>| form[0] = ("grant_type", "password");
    let made_up_code = |form: &mut Vec<(&str, &str)>| form[1] = ("code", "made-up");
    type Change = fn(&mut Vec<(&str, &str)>);
    let cases: [(Change, StatusCode, &str); 7] = [
        (wrong_secret, StatusCode::UNAUTHORIZED, "invalid_client"),
        (wrong_redirect, StatusCode::BAD_REQUEST, "invalid_grant"),
        (wrong_verifier, StatusCode::BAD_REQUEST, "invalid_grant"),
        (no_verifier, StatusCode::BAD_REQUEST, "invalid_grant"),
        (no_code, StatusCode::BAD_REQUEST, "invalid_request"),
        (bad_grant, StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        (made_up_code, StatusCode::BAD_REQUEST, "invalid_grant"),
    ];
    for (change, status, error) in cases {
        let code = code_for(&s, 0).await;
        let mut form = code_form(&s, &code);
        change(&mut form);
        let (got, body) = token(&s, "token", &form).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(error)),
            "{form:?}"
        );
    }

    // Codes expire after 10 minutes.
    let code = code_for(&s, 0).await;
    s.fake.advance_clock(Duration::from_secs(601));
    let (status, body) = token(&s, "token", &code_form(&s, &code)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn access_tokens_expire_after_30_days_and_refresh_tokens_still_work() {
    let s = Setup::started().await;
    let tokens = s.tokens(POTIONS_SCOPES);
    s.fake.advance_clock(Duration::from_secs(2_592_000 - 60));
    assert_eq!(
        s.call(Method::GET, "/v2/account", &tokens.access, None)
            .await
            .0,
        StatusCode::OK
    );
    s.fake.advance_clock(Duration::from_secs(61));
    assert_eq!(
        s.call(Method::GET, "/v2/account", &tokens.access, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, renewed) = token(&s, "token", &refresh_form(&s, &tokens.refresh)).await;
    assert_eq!(status, StatusCode::OK);
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(
        s.call(Method::GET, "/v2/account", access, None).await.0,
        StatusCode::OK
    );

    // Revoking the app in DigitalOcean ends every token of the user.
    assert_eq!(s.fake.revoke_user_tokens(&s.user), 1);
    assert_eq!(
        s.call(Method::GET, "/v2/account", access, None).await.0,
        StatusCode::UNAUTHORIZED
    );
}
