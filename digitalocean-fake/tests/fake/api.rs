//! API v2 over HTTP: authentication, scopes, rate limits, pagination, and
//! each resource with its errors.

use digitalocean_fake::{DropletStatus, FakeConfig, Fault, FaultKind};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

use crate::support::{ed25519_key, Setup, POTIONS_SCOPES};

fn error_id(body: &Value) -> &str {
    body["id"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn bearer_tokens_and_scopes_are_checked_per_endpoint() {
    let s = Setup::started().await;
    let (status, headers, body) = s
        .call(Method::GET, "/v2/account", "doo_v1_made_up", None)
        .await;
    assert_eq!(
        (status, error_id(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(body["request_id"].is_string() && headers.contains_key("ratelimit-limit"));

    let account_only = s.tokens(&["account:read"]);
    let (status, _, body) = s
        .call(Method::GET, "/v2/droplets", &account_only.access, None)
        .await;
    assert_eq!(
        (status, error_id(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    // `GET /v2/sizes` needs both `sizes:read` and `regions:read`.
    let sizes_only = s.tokens(&["sizes:read"]);
    assert_eq!(
        s.call(Method::GET, "/v2/sizes", &sizes_only.access, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    let legacy_read = s.tokens(&["read"]);
    assert_eq!(
        s.call(Method::GET, "/v2/droplets", &legacy_read.access, None)
            .await
            .0,
        StatusCode::OK
    );
    let create = json!({ "name": "x", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" });
    let (status, _, _) = s
        .call(
            Method::POST,
            "/v2/droplets",
            &legacy_read.access,
            Some(create),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let potions = s.tokens(POTIONS_SCOPES);
    let (status, _, body) = s
        .call(Method::GET, "/v2/no_such_thing", &potions.access, None)
        .await;
    assert_eq!(
        (status, error_id(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn rate_limits_are_told_on_every_answer_and_enforced() {
    let s = Setup::started().await;
    let t = s.tokens(POTIONS_SCOPES);
    let remaining = |h: &reqwest::header::HeaderMap| {
        h["ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    let (_, first, _) = s.call(Method::GET, "/v2/regions", &t.access, None).await;
    let (_, second, _) = s.call(Method::GET, "/v2/regions", &t.access, None).await;
    assert_eq!(first["ratelimit-limit"], "5000");
    assert_eq!(remaining(&first), remaining(&second) + 1);
    assert!(first["ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse::<i64>()
        .is_ok());

    s.fake.exhaust_rate_limit(&t.access);
    let (status, headers, body) = s.call(Method::GET, "/v2/regions", &t.access, None).await;
    assert_eq!(
        (status, error_id(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
    );
    assert!(
        headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(remaining(&headers), 0);
}

#[tokio::test]
async fn listing_ssh_keys_is_limited_to_10_a_minute_and_lookups_are_not() {
    let s = Setup::started().await;
    let t = s.tokens(POTIONS_SCOPES);
    let (_, _, created) = s
        .call(
            Method::POST,
            "/v2/account/keys",
            &t.access,
            Some(json!({ "name": "k", "public_key": ed25519_key(1) })),
        )
        .await;
    let fingerprint = created["ssh_key"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..10 {
        assert_eq!(
            s.call(Method::GET, "/v2/account/keys", &t.access, None)
                .await
                .0,
            StatusCode::OK
        );
    }
    let (status, headers, _) = s
        .call(Method::GET, "/v2/account/keys", &t.access, None)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
    let by_fingerprint = format!("/v2/account/keys/{fingerprint}");
    assert_eq!(
        s.call(Method::GET, &by_fingerprint, &t.access, None)
            .await
            .0,
        StatusCode::OK
    );
    s.fake.advance_clock(Duration::from_secs(61));
    assert_eq!(
        s.call(Method::GET, "/v2/account/keys", &t.access, None)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn lists_page_like_digitalocean() {
    let s = Setup::started().await;
    let t = s.tokens(POTIONS_SCOPES);
    for i in 0..25u8 {
        let key = json!({ "name": format!("key-{i}"), "public_key": ed25519_key(i) });
        assert_eq!(
            s.call(Method::POST, "/v2/account/keys", &t.access, Some(key))
                .await
                .0,
            StatusCode::CREATED
        );
    }
    let (_, _, first) = s
        .call(Method::GET, "/v2/account/keys", &t.access, None)
        .await;
    assert_eq!(first["ssh_keys"].as_array().unwrap().len(), 20);
    assert_eq!(first["meta"]["total"], 25);
    let next = first["links"]["pages"]["next"].as_str().unwrap();
    let path = next.strip_prefix(&s.fake.api_base_url()).unwrap();
    let (_, _, second) = s.call(Method::GET, path, &t.access, None).await;
    assert_eq!(second["ssh_keys"].as_array().unwrap().len(), 5);
    assert!(second["links"]["pages"].get("next").is_none());
    assert!(second["links"]["pages"]["prev"].is_string());
    let (_, _, all) = s
        .call(
            Method::GET,
            "/v2/account/keys?per_page=500",
            &t.access,
            None,
        )
        .await;
    assert_eq!(all["ssh_keys"].as_array().unwrap().len(), 25);
    assert!(all.get("links").is_none(), "one page: no links at all");
}

#[tokio::test]
async fn ssh_keys_by_id_or_fingerprint_and_the_duplicate_answer() {
    let s = Setup::started().await;
    let t = s.tokens(&[
        "ssh_key:create",
        "ssh_key:read",
        "ssh_key:update",
        "ssh_key:delete",
    ]);
    let body = json!({ "name": "potions", "public_key": ed25519_key(7) });
    let (status, _, created) = s
        .call(
            Method::POST,
            "/v2/account/keys",
            &t.access,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = &created["ssh_key"];
    let fingerprint = key["fingerprint"].as_str().unwrap();
    assert_eq!(fingerprint.split(':').count(), 16);
    assert!(fingerprint
        .split(':')
        .all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit())));

    let (status, _, dup) = s
        .call(Method::POST, "/v2/account/keys", &t.access, Some(body))
        .await;
    assert_eq!(
        (status, error_id(&dup)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_entity")
    );
    assert_eq!(dup["message"], "SSH Key is already in use on your account");
    let bad = json!({ "name": "bad", "public_key": "ssh-ed25519 not-base64" });
    assert_eq!(
        s.call(Method::POST, "/v2/account/keys", &t.access, Some(bad))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let by_id = format!("/v2/account/keys/{}", key["id"]);
    let by_fingerprint = format!("/v2/account/keys/{fingerprint}");
    let (_, _, found) = s.call(Method::GET, &by_fingerprint, &t.access, None).await;
    assert_eq!(found["ssh_key"]["id"], key["id"]);
    // As DigitalOcean's own Python client sends it: each colon percent-encoded.
    let encoded = by_fingerprint.replace(':', "%3A");
    let (status, _, found) = s.call(Method::GET, &encoded, &t.access, None).await;
    assert_eq!(status, StatusCode::OK, "{encoded}");
    assert_eq!(found["ssh_key"]["id"], key["id"]);
    let (status, _, renamed) = s
        .call(
            Method::PUT,
            &by_id,
            &t.access,
            Some(json!({ "name": "renamed" })),
        )
        .await;
    assert_eq!(
        (status, renamed["ssh_key"]["name"].as_str()),
        (StatusCode::OK, Some("renamed"))
    );
    let (status, _, body) = s
        .call(Method::DELETE, &by_fingerprint, &t.access, None)
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(
        s.call(Method::GET, &by_id, &t.access, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(Method::DELETE, &by_id, &t.access, None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn droplets_start_new_with_a_create_action_and_become_active() {
    let s = Setup::new(FakeConfig {
        provisioning: Duration::from_secs(30),
        ..FakeConfig::default()
    })
    .await;
    let t = s.tokens(POTIONS_SCOPES);
    let (_, _, key) = s
        .call(
            Method::POST,
            "/v2/account/keys",
            &t.access,
            Some(json!({ "name": "k", "public_key": ed25519_key(3) })),
        )
        .await;
    let body = json!({
        "name": "web-1.example", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
        "ssh_keys": [key["ssh_key"]["fingerprint"]], "tags": ["managed-by:potions"], "ipv6": true,
    });
    let (status, _, created) = s
        .call(Method::POST, "/v2/droplets", &t.access, Some(body))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{created}");
    let droplet = &created["droplet"];
    assert_eq!(droplet["status"], "new");
    assert_eq!(droplet["networks"], json!({ "v4": [], "v6": [] }));
    let action = &created["links"]["actions"][0];
    assert_eq!(action["rel"], "create");
    let action_path = format!("/v2/actions/{}", action["id"]);
    let (_, _, progress) = s.call(Method::GET, &action_path, &t.access, None).await;
    assert_eq!(progress["action"]["status"], "in-progress");
    assert_eq!(progress["action"]["resource_id"], droplet["id"]);

    s.fake.advance_clock(Duration::from_secs(31));
    let (_, _, done) = s.call(Method::GET, &action_path, &t.access, None).await;
    assert_eq!(done["action"]["status"], "completed");
    let droplet_path = format!("/v2/droplets/{}", droplet["id"]);
    let (_, _, active) = s.call(Method::GET, &droplet_path, &t.access, None).await;
    assert_eq!(active["droplet"]["status"], "active");
    assert_eq!(active["droplet"]["networks"]["v4"][0]["type"], "public");
    assert_eq!(active["droplet"]["networks"]["v6"][0]["type"], "public");

    let (_, _, tagged) = s
        .call(
            Method::GET,
            "/v2/droplets?tag_name=managed-by:potions",
            &t.access,
            None,
        )
        .await;
    assert_eq!(tagged["droplets"].as_array().unwrap().len(), 1);
    let (_, _, untagged) = s
        .call(Method::GET, "/v2/droplets?tag_name=other", &t.access, None)
        .await;
    assert_eq!(untagged["meta"]["total"], 0);
    let (_, _, named) = s
        .call(
            Method::GET,
            "/v2/droplets?name=web-1.example",
            &t.access,
            None,
        )
        .await;
    assert_eq!(named["meta"]["total"], 1);

    // Power: the droplet reads as it was until the action completes; one
    // pending action at a time; droplet:update is needed.
    let actions_path = format!("{droplet_path}/actions");
    let power = |kind: &str| json!({ "type": kind });
    let (status, _, shutdown) = s
        .call(
            Method::POST,
            &actions_path,
            &t.access,
            Some(power("shutdown")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{shutdown}");
    assert_eq!(shutdown["action"]["type"], "shutdown");
    assert_eq!(shutdown["action"]["status"], "in-progress");
    let status_now = || async {
        s.call(Method::GET, &droplet_path, &t.access, None).await.2["droplet"]["status"].clone()
    };
    assert_eq!(status_now().await, "active");
    let (status, _, pending) = s
        .call(
            Method::POST,
            &actions_path,
            &t.access,
            Some(power("power_on")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{pending}");
    s.fake.advance_clock(Duration::from_secs(31));
    assert_eq!(status_now().await, "off");
    let (status, _, _) = s
        .call(
            Method::POST,
            &actions_path,
            &t.access,
            Some(power("power_on")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    s.fake.advance_clock(Duration::from_secs(31));
    assert_eq!(status_now().await, "active");
    let (status, _, _) = s
        .call(
            Method::POST,
            &actions_path,
            &t.access,
            Some(power("explode")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let read_only = s.tokens(&["droplet:read"]);
    let (status, _, _) = s
        .call(
            Method::POST,
            &actions_path,
            &read_only.access,
            Some(power("reboot")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let id = droplet["id"].as_i64().unwrap();
    assert!(s
        .fake
        .force_droplet_status(&s.user.teams[0], id, DropletStatus::Off));
    assert_eq!(
        s.call(Method::GET, &droplet_path, &t.access, None).await.2["droplet"]["status"],
        "off"
    );

    // Another team's token sees nothing of it.
    let other = s
        .fake
        .grant(&s.app, &s.user, &s.user.teams[1], POTIONS_SCOPES);
    assert_eq!(
        s.call(Method::GET, &droplet_path, &other.access, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(Method::GET, &action_path, &other.access, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        s.call(Method::DELETE, &droplet_path, &t.access, None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call(Method::DELETE, &droplet_path, &t.access, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert!(s.fake.droplet_names(&s.user.teams[0]).is_empty());
}

#[tokio::test]
async fn droplet_creation_is_validated_like_digitalocean() {
    let s = Setup::new(FakeConfig {
        droplet_limit: 1,
        ..FakeConfig::default()
    })
    .await;
    let t = s.tokens(POTIONS_SCOPES);
    let good = json!({ "name": "ok-1", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "debian-12-x64" });
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("name", json!("bad_name!")), "Name is invalid"),
        (with("region", json!("mars1")), "invalid region"),
        (with("region", json!("nyc2")), "Region is not available"),
        (with("size", json!("s-64vcpu")), "invalid size"),
        (with("ssh_keys", json!([12345])), "invalid SSH key"),
        (with("tags", json!(["a=b"])), "Tag names"),
        (
            with("user_data", json!("x".repeat(64 * 1024 + 1))),
            "64 KiB",
        ),
    ];
    for (body, message) in cases {
        let (status, _, answer) = s
            .call(Method::POST, "/v2/droplets", &t.access, Some(body.clone()))
            .await;
        if message.is_empty() {
            // Sold elsewhere: sgp1 has the size but the next case's image is not offered in nyc3? It is.
            continue;
        }
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(message),
            "{answer}"
        );
    }
    let not_here =
        json!({ "name": "x", "region": "sgp1", "size": "s-2vcpu-4gb", "image": "debian-12-x64" });
    let (_, _, answer) = s
        .call(Method::POST, "/v2/droplets", &t.access, Some(not_here))
        .await;
    assert_eq!(answer["message"], "Size is not available in this region.");
    let no_image =
        json!({ "name": "x", "region": "sgp1", "size": "s-1vcpu-1gb", "image": "fedora-41-x64" });
    let (_, _, answer) = s
        .call(Method::POST, "/v2/droplets", &t.access, Some(no_image))
        .await;
    assert_eq!(answer["message"], "Image is not available in this region.");

    let response = s
        .http
        .post(format!("{}/v2/droplets", s.fake.api_base_url()))
        .bearer_auth(&t.access)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    assert_eq!(
        s.call(Method::POST, "/v2/droplets", &t.access, Some(good.clone()))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    let (status, _, answer) = s
        .call(
            Method::POST,
            "/v2/droplets",
            &t.access,
            Some(with("name", json!("ok-2"))),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("droplet limit"));
}

#[tokio::test]
async fn the_catalogue_says_what_is_sold_where() {
    let s = Setup::started().await;
    let t = s.tokens(POTIONS_SCOPES);
    let (_, _, regions) = s.call(Method::GET, "/v2/regions", &t.access, None).await;
    let regions = regions["regions"].as_array().unwrap();
    assert!(regions
        .iter()
        .any(|r| r["available"] == false && r["sizes"] == json!([])));
    let (_, _, sizes) = s
        .call(Method::GET, "/v2/sizes?per_page=200", &t.access, None)
        .await;
    let sizes = sizes["sizes"].as_array().unwrap();
    assert!(sizes.iter().any(|s| s["available"] == false));
    assert!(sizes
        .iter()
        .all(|s| s["price_monthly"].is_number() && s["price_hourly"].is_number()));
    assert!(sizes
        .iter()
        .any(|s| s["regions"].as_array().unwrap().len() < 4));
    let (_, _, images) = s
        .call(Method::GET, "/v2/images?type=distribution", &t.access, None)
        .await;
    let images = images["images"].as_array().unwrap();
    assert!(images.iter().any(|i| i["slug"] == "ubuntu-24-04-x64"));
    assert!(images
        .iter()
        .any(|i| i["regions"].as_array().unwrap().len() < 4));
    let (_, _, apps) = s
        .call(Method::GET, "/v2/images?type=application", &t.access, None)
        .await;
    assert_eq!(apps["meta"]["total"], 0);
}

#[tokio::test]
async fn tags_and_the_account() {
    let s = Setup::started().await;
    let t = s.tokens(&["tag:create", "tag:read", "tag:delete", "account:read"]);
    let (status, _, tag) = s
        .call(
            Method::POST,
            "/v2/tags",
            &t.access,
            Some(json!({ "name": "managed-by:potions" })),
        )
        .await;
    assert_eq!(
        (status, tag["tag"]["name"].as_str()),
        (StatusCode::CREATED, Some("managed-by:potions"))
    );
    let (status, _, _) = s
        .call(
            Method::POST,
            "/v2/tags",
            &t.access,
            Some(json!({ "name": "a=b" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        s.call(Method::GET, "/v2/tags/managed-by:potions", &t.access, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        s.call(Method::GET, "/v2/tags", &t.access, None).await.2["meta"]["total"],
        1
    );
    assert_eq!(
        s.call(
            Method::DELETE,
            "/v2/tags/managed-by:potions",
            &t.access,
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call(Method::GET, "/v2/tags/managed-by:potions", &t.access, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    s.fake
        .set_account(&s.user, digitalocean_fake::AccountStatus::Locked, false);
    let (_, _, account) = s.call(Method::GET, "/v2/account", &t.access, None).await;
    assert_eq!(account["account"]["status"], "locked");
    assert_eq!(account["account"]["email_verified"], false);
    assert_eq!(
        account["account"]["team"]["uuid"],
        s.user.teams[0].uuid.as_str()
    );
}

#[tokio::test]
async fn faults_on_demand() {
    let s = Setup::started().await;
    let t = s.tokens(POTIONS_SCOPES);
    s.fake
        .inject(Fault::error(503, "server_error").on("GET", "/v2/regions"));
    let (status, _, body) = s.call(Method::GET, "/v2/regions", &t.access, None).await;
    assert_eq!(
        (status, error_id(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "server_error")
    );
    assert_eq!(
        s.call(Method::GET, "/v2/regions", &t.access, None).await.0,
        StatusCode::OK
    );

    s.fake
        .inject(Fault::new(FaultKind::NotJson).on("GET", "/v2/sizes"));
    let text = s
        .http
        .get(format!("{}/v2/sizes", s.fake.api_base_url()))
        .bearer_auth(&t.access)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.starts_with("<html>"));

    s.fake
        .inject(Fault::new(FaultKind::Drop).on("GET", "/v2/images"));
    let dropped = s
        .http
        .get(format!("{}/v2/images", s.fake.api_base_url()))
        .bearer_auth(&t.access)
        .send()
        .await;
    assert!(dropped.is_err() || dropped.unwrap().text().await.is_err());

    s.fake
        .inject(Fault::new(FaultKind::Hang).on("GET", "/v2/account"));
    let hung = s
        .http
        .get(format!("{}/v2/account", s.fake.api_base_url()))
        .bearer_auth(&t.access)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
}

#[tokio::test]
async fn backups_toggle_and_a_resize_needs_the_droplet_off_and_a_disk_that_fits() {
    let s = Setup::new(FakeConfig {
        provisioning: Duration::from_secs(30),
        ..FakeConfig::default()
    })
    .await;
    let t = s.tokens(POTIONS_SCOPES);
    let body = json!({
        "name": "db", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
    });
    let (_, _, created) = s
        .call(Method::POST, "/v2/droplets", &t.access, Some(body))
        .await;
    let droplet_path = format!("/v2/droplets/{}", created["droplet"]["id"]);
    let actions_path = format!("{droplet_path}/actions");
    let act = |body: Value| {
        let (s, t, path) = (&s, &t, &actions_path);
        async move {
            let answer = s.call(Method::POST, path, &t.access, Some(body)).await;
            s.fake.advance_clock(Duration::from_secs(31));
            answer
        }
    };
    let droplet =
        || async { s.call(Method::GET, &droplet_path, &t.access, None).await.2["droplet"].clone() };
    s.fake.advance_clock(Duration::from_secs(31));

    let policy = json!({ "plan": "weekly", "weekday": "SUN", "hour": 0 });
    let weekly = json!({ "type": "enable_backups", "backup_policy": policy });
    let (status, _, on) = act(weekly).await;
    assert_eq!(status, StatusCode::CREATED, "{on}");
    assert_eq!(on["action"]["type"], "enable_backups");
    let now = droplet().await;
    assert!(
        now["features"]
            .as_array()
            .unwrap()
            .contains(&json!("backups")),
        "{now}"
    );
    assert!(now["next_backup_window"]["start"].is_string());
    let (status, _, bad_plan) =
        act(json!({ "type": "enable_backups", "backup_policy": { "plan": "hourly" } })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad_plan}");
    act(json!({ "type": "disable_backups" })).await;
    assert!(droplet().await["next_backup_window"].is_null());

    let resize = |size: &str, disk: bool| json!({ "type": "resize", "size": size, "disk": disk });
    let (status, _, running) = act(resize("s-2vcpu-2gb", false)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "active: {running}"
    );
    act(json!({ "type": "power_off" })).await;
    let (status, _, kept) = act(resize("s-2vcpu-2gb", false)).await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    let now = droplet().await;
    assert_eq!(
        (
            now["size_slug"].as_str(),
            now["disk"].as_i64(),
            now["status"].as_str()
        ),
        (Some("s-2vcpu-2gb"), Some(25), Some("off"))
    );
    let (status, _, _) = act(resize("s-1vcpu-1gb", false)).await;
    assert_eq!(status, StatusCode::CREATED, "a kept disk allows going back");
    act(resize("s-2vcpu-2gb", true)).await;
    assert_eq!(droplet().await["disk"], 60, "the disk grew");
    let (status, _, smaller) = act(resize("s-1vcpu-1gb", false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{smaller}");
    let (status, _, not_sold) = act(resize("m-2vcpu-16gb", true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{not_sold}");

    let (status, _, rebuilt) = act(json!({ "type": "rebuild", "image": "debian-12-x64" })).await;
    assert_eq!(status, StatusCode::CREATED, "{rebuilt}");
    assert_eq!(droplet().await["image"]["slug"], "debian-12-x64");
    let (status, _, unknown) = act(json!({ "type": "rebuild", "image": 7 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");

    // A snapshot is listed once its action completed (`act` moves the clock on).
    let snapshots = format!("{droplet_path}/snapshots");
    let (status, _, taken) = s
        .call(
            Method::POST,
            &actions_path,
            &t.access,
            Some(json!({ "type": "snapshot", "name": "before" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{taken}");
    let (_, _, none_yet) = s.call(Method::GET, &snapshots, &t.access, None).await;
    assert_eq!(none_yet["snapshots"], json!([]));
    s.fake.advance_clock(Duration::from_secs(31));
    let (_, _, listed) = s.call(Method::GET, &snapshots, &t.access, None).await;
    assert_eq!(listed["snapshots"][0]["name"], "before", "{listed}");
    assert!(listed["snapshots"][0]["size_gigabytes"].as_f64().unwrap() > 0.0);
    let snapshot = format!("/v2/snapshots/{}", listed["snapshots"][0]["id"]);
    let (status, _, _) = s.call(Method::DELETE, &snapshot, &t.access, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = s.call(Method::DELETE, &snapshot, &t.access, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
