//! Hostile and malformed input gets a clear refusal, changes nothing, and
//! leaves the server healthy.

use crate::support::TestApp;
use crate::support::{path_of, ConnectHetzner};
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, ORIGIN};
use reqwest::StatusCode;

on_both_databases!(hostile_tokens_labels_and_bodies_change_nothing);

async fn hostile_tokens_labels_and_bodies_change_nothing(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let a63 = "a".repeat(63);
    let tokens = [
        String::new(),
        a63.clone(),
        "a".repeat(65),
        "a".repeat(10_000),
        format!("{} {}", &a63[..32], &a63[32..]),
        format!("{a63}\n"),
        format!("{}\u{0}b", &a63[..62]),
        format!("{a63}é"),
        format!("{}<script>", &a63[..56]),
        format!("{}' OR '1'='1", &a63[..52]),
        format!("{}\"; DROP TABLE connections; --", &a63[..30]),
    ];
    for token in &tokens {
        let res = app.connect(&cookie, "<b>label</b>", token).await;
        app.assert_form_error_as(
            res,
            "/connect/hetzner",
            "That doesn't look like a Hetzner API token.",
            Some(&cookie),
        )
        .await;
    }
    // A million-character token is refused before it is read.
    let huge = "a".repeat(1_000_000);
    // Its own client: the server may close that connection mid-upload, and a
    // pooled connection it closed must not be reused by the requests below.
    let refused = reqwest::Client::new()
        .post(app.url(path_of::<ConnectHetzner>()))
        .header(ORIGIN, &app.base_url)
        .header(COOKIE, &cookie)
        .form(&[("label", ""), ("token", huge.as_str())])
        .send()
        .await;
    match refused {
        Ok(res) => assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE),
        // The server may answer 413 and close before the upload ends.
        Err(err) => assert!(err.is_request(), "{err}"),
    }
    assert_eq!(
        app.fake.exchanges().len(),
        0,
        "nothing malformed reached Hetzner"
    );

    let post_raw = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(app.url(path_of::<ConnectHetzner>()))
            .header(ACCEPT, "application/json")
            .header(ORIGIN, &app.base_url)
            .header(COOKIE, &cookie)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    for (content_type, body) in [
        ("application/json", br#"{"label":"x","token":"y"}"#.to_vec()),
        ("application/x-www-form-urlencoded", b"label=x&tok".to_vec()),
        ("application/x-www-form-urlencoded", b"%%%%".to_vec()),
        ("application/x-www-form-urlencoded", b"label=x".to_vec()),
        (
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, 0x00, 0x3d],
        ),
        ("text/plain", b"hello".to_vec()),
    ] {
        let res = post_raw(content_type, body.clone()).await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(
            !status.is_success(),
            "{content_type} {body:?} was accepted: {text}"
        );
        assert!(
            status.is_client_error() || text.contains("BadRequest"),
            "{content_type}: {status} {text}"
        );
    }
    // Extra fields are ignored, the rest still checked.
    let res = post_raw(
        "application/x-www-form-urlencoded",
        b"label=x&token=short&admin=true".to_vec(),
    )
    .await
    .unwrap();
    assert!(res.text().await.unwrap().contains("MalformedToken"));

    assert_eq!(app.count("SELECT COUNT(*) FROM connections").await, 0);
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);

    // A label with markup is stored as it was typed and shown as text.
    let markup = "<img src=x onerror=alert(1)><b>label</b>";
    let project = app.fake.add_project("markup");
    app.connect_ok(&cookie, markup, &project.read_write_token)
        .await;
    for page in ["/", "/account"] {
        let html = app.page(page, &cookie).await;
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;label&lt;/b&gt;"),
            "{page} does not show the label as text"
        );
        assert!(!html.contains(markup), "{page} renders the label as markup");
    }
}
