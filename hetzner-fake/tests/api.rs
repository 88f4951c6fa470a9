#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! The fake answers like Hetzner: shapes (checked against the OpenAPI
//! description when each fake is dropped), errors, limits and time.

use hetzner_fake::{FakeConfig, FakeHetzner, Fault, FaultKind};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp test@example";
/// MD5 of the key blob above, as `ssh-keygen -l -E md5` prints it.
const ED25519_MD5: &str = "3a:57:1a:ae:62:e8:fa:26:20:05:61:a2:f2:35:ce:2c";

struct Api {
    fake: FakeHetzner,
    client: Client,
}

impl Api {
    async fn start(config: FakeConfig) -> Self {
        Self {
            fake: FakeHetzner::start(config).await.expect("fake starts"),
            client: Client::new(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.fake.base_url()));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request");
        let (status, headers) = (res.status(), res.headers().clone());
        let text = res.text().await.expect("body");
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }
}

fn fast() -> FakeConfig {
    FakeConfig {
        provisioning: Duration::from_millis(400),
        ..FakeConfig::default()
    }
}

#[tokio::test]
async fn every_read_endpoint_answers_in_shape() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("reads");
    let t = Some(p.read_only_token.as_str());
    for path in [
        "/servers",
        "/ssh_keys",
        "/server_types",
        "/locations",
        "/images?type=system&architecture=arm",
        "/pricing",
    ] {
        let (status, headers, _) = api.call(Method::GET, path, t, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for h in [
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
            "x-correlation-id",
        ] {
            assert!(headers.contains_key(h), "{path} lacks {h}");
        }
    }
    let (_, _, images) = api
        .call(Method::GET, "/images?type=system&architecture=arm", t, None)
        .await;
    let images = images["images"].as_array().unwrap();
    assert!(!images.is_empty() && images.iter().all(|i| i["architecture"] == "arm"));
    let (_, _, types) = api.call(Method::GET, "/server_types", t, None).await;
    let types = types["server_types"].as_array().unwrap();
    assert!(
        types.iter().any(|t| t["architecture"] == "arm")
            && types.iter().any(|t| t["cpu_type"] == "dedicated")
    );
    assert!(
        types.iter().any(|t| t["deprecation"].is_object()),
        "one type is deprecated"
    );
    assert!(
        types
            .iter()
            .any(|t| t["locations"].as_array().unwrap().len() < 6),
        "some types are not sold everywhere"
    );
    let locations = || {
        types
            .iter()
            .flat_map(|t| t["locations"].as_array().unwrap())
    };
    assert!(
        locations().any(|l| l["available"] == false)
            && locations().any(|l| l["recommended"] == true),
        "the 2026 API: some listed locations are sold out, some recommended"
    );
}

#[tokio::test]
async fn tokens_are_checked_and_read_tokens_cannot_write() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("auth");
    let (status, _, body) = api.call(Method::GET, "/servers", None, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, _, body) = api
        .call(Method::GET, "/servers", Some(&"x".repeat(64)), None)
        .await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unable to authenticate"))
    );
    let (status, _, body) = api
        .call(
            Method::POST,
            "/ssh_keys",
            Some(&p.read_only_token),
            Some(json!({ "name": "k", "public_key": ED25519 })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_readonly"))
    );
    assert!(api.fake.revoke_token(&p.read_write_token));
    let (status, _, _) = api
        .call(Method::GET, "/servers", Some(&p.read_write_token), None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a deleted token stops working"
    );
}

#[tokio::test]
async fn ssh_keys_have_real_md5_fingerprints_and_are_unique() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("keys");
    let t = Some(p.read_write_token.as_str());
    let body =
        json!({ "name": "potions", "public_key": ED25519, "labels": { "managed-by": "potions" } });
    let (status, _, created) = api
        .call(Method::POST, "/ssh_keys", t, Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["ssh_key"]["fingerprint"], ED25519_MD5);
    let (status, _, dup) = api
        .call(
            Method::POST,
            "/ssh_keys",
            t,
            Some(json!({ "name": "other", "public_key": ED25519 })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(dup["error"]["code"], "uniqueness_error");
    assert_eq!(
        dup["error"]["message"],
        "SSH key with the same fingerprint already exists"
    );
    let (_, _, found) = api
        .call(
            Method::GET,
            &format!("/ssh_keys?fingerprint={ED25519_MD5}"),
            t,
            None,
        )
        .await;
    assert_eq!(found["ssh_keys"].as_array().unwrap().len(), 1);
    let (_, _, found) = api
        .call(
            Method::GET,
            "/ssh_keys?label_selector=managed-by%3Dpotions",
            t,
            None,
        )
        .await;
    assert_eq!(found["ssh_keys"].as_array().unwrap().len(), 1);
    for bad in [
        "not a key",
        "ssh-ed25519 AAAA",
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp",
    ] {
        let (status, _, err) = api
            .call(
                Method::POST,
                "/ssh_keys",
                t,
                Some(json!({ "name": "bad", "public_key": bad })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(err["error"]["details"]["fields"][0]["name"], "public_key");
    }
    let (status, _, err) = api
        .call(Method::POST, "/ssh_keys", t, Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["message"], "invalid input in field 'name'");
    let id = created["ssh_key"]["id"].as_i64().unwrap();
    let (status, _, _) = api
        .call(Method::DELETE, &format!("/ssh_keys/{id}"), t, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, err) = api
        .call(Method::DELETE, &format!("/ssh_keys/{id}"), t, None)
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn servers_provision_over_time_with_their_actions() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("servers");
    let t = Some(p.read_write_token.as_str());
    let (_, _, key) = api
        .call(
            Method::POST,
            "/ssh_keys",
            t,
            Some(json!({ "name": "k", "public_key": ED25519 })),
        )
        .await;
    let key_id = key["ssh_key"]["id"].as_i64().unwrap();
    let (status, _, created) = api
        .call(Method::POST, "/servers", t, Some(json!({
            "name": "web-1", "server_type": "cax11", "image": "ubuntu-24.04", "location": "hel1",
            "ssh_keys": [key_id], "labels": { "managed-by": "potions" },
        })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["server"]["status"], "initializing");
    assert_eq!(created["server"]["image"]["architecture"], "arm");
    assert!(
        created["root_password"].is_null(),
        "no root password when a key was given"
    );
    assert!(created["server"]["public_net"]["ipv6"]["ip"]
        .as_str()
        .unwrap()
        .ends_with("::/64"));
    assert!(
        created["server"].get("datacenter").is_none(),
        "datacenter was removed in 2026"
    );
    let action_id = created["action"]["id"].as_i64().unwrap();
    let next_id = created["next_actions"][0]["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (_, _, action) = api
        .call(Method::GET, &format!("/actions/{action_id}"), t, None)
        .await;
    assert_eq!(
        (
            action["action"]["status"].as_str(),
            action["action"]["progress"].as_i64()
        ),
        (Some("success"), Some(100))
    );
    let (_, _, both) = api
        .call(
            Method::GET,
            &format!("/actions?id={action_id}&id={next_id}"),
            t,
            None,
        )
        .await;
    assert_eq!(both["actions"].as_array().unwrap().len(), 2);
    let (status, _, _) = api.call(Method::GET, "/actions", t, None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the list form requires id"
    );
    let server_id = created["server"]["id"].as_i64().unwrap();
    let (_, _, server) = api
        .call(Method::GET, &format!("/servers/{server_id}"), t, None)
        .await;
    assert_eq!(server["server"]["status"], "running");
    // A path parameter is read percent-decoded, as Hetzner reads it.
    let encoded: String = server_id
        .to_string()
        .chars()
        .map(|c| format!("%{:02X}", c as u32))
        .collect();
    let (status, _, same) = api
        .call(Method::GET, &format!("/servers/{encoded}"), t, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{encoded}");
    assert_eq!(same["server"]["id"], server_id);

    let (_, _, pw) = api
        .call(
            Method::POST,
            "/servers",
            t,
            Some(json!({ "name": "db-1", "server_type": "cx22", "image": "debian-12" })),
        )
        .await;
    assert!(
        pw["root_password"].is_string(),
        "root password without SSH keys"
    );

    let cases = [
        (
            json!({ "name": "web-1", "server_type": "cx22", "image": "ubuntu-24.04" }),
            StatusCode::CONFLICT,
            "uniqueness_error",
        ),
        (
            json!({ "name": "bad_name!", "server_type": "cx22", "image": "ubuntu-24.04" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            json!({ "server_type": "cx22" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            json!({ "name": "us-1", "server_type": "cx22", "image": "ubuntu-24.04", "location": "ash" }),
            StatusCode::PRECONDITION_FAILED,
            "resource_unavailable",
        ),
        (
            json!({ "name": "hel-1", "server_type": "cx22", "image": "ubuntu-24.04", "location": "hel1" }),
            StatusCode::PRECONDITION_FAILED,
            "resource_unavailable",
        ),
        (
            json!({ "name": "x-1", "server_type": "cax11", "image": "fedora-41" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
    ];
    for (body, status, code) in cases {
        let (got, _, err) = api
            .call(Method::POST, "/servers", t, Some(body.clone()))
            .await;
        assert_eq!(
            (got, err["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    api.fake.set_server_limit(&p, 2);
    let (status, _, err) = api
        .call(
            Method::POST,
            "/servers",
            t,
            Some(json!({ "name": "three", "server_type": "cx22", "image": "ubuntu-24.04" })),
        )
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("resource_limit_exceeded"))
    );

    assert!(api.fake.set_delete_protection(&p, server_id, true));
    let (status, _, err) = api
        .call(Method::DELETE, &format!("/servers/{server_id}"), t, None)
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::LOCKED, Some("protected"))
    );
    api.fake.set_delete_protection(&p, server_id, false);
    let (status, _, deleted) = api
        .call(Method::DELETE, &format!("/servers/{server_id}"), t, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted["action"]["command"], "delete_server");
    assert_eq!(api.fake.server_names(&p), vec!["db-1".to_string()]);
    let (_, _, bad) = api
        .client
        .post(format!("{}/servers", api.fake.base_url()))
        .bearer_auth(&p.read_write_token)
        .body("{not json")
        .send()
        .await
        .map(|r| ((), (), r))
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn lists_filter_sort_and_paginate() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("many");
    for i in 0..60 {
        api.fake
            .seed_server(&p, &format!("srv-{i:02}"), "cx22", "fsn1")
            .unwrap();
    }
    let t = Some(p.read_only_token.as_str());
    let (_, headers, page) = api
        .call(Method::GET, "/servers?per_page=50&sort=name:desc", t, None)
        .await;
    assert_eq!(page["servers"].as_array().unwrap().len(), 50);
    assert_eq!(page["servers"][0]["name"], "srv-59");
    assert_eq!(page["meta"]["pagination"]["next_page"], 2);
    assert_eq!(page["meta"]["pagination"]["total_entries"], 60);
    assert!(headers["link"].to_str().unwrap().contains("rel=\"next\""));
    let (_, _, last) = api
        .call(Method::GET, "/servers?per_page=50&page=2", t, None)
        .await;
    assert_eq!(last["servers"].as_array().unwrap().len(), 10);
    assert!(last["meta"]["pagination"]["next_page"].is_null());
    let (_, _, one) = api.call(Method::GET, "/servers?name=srv-07", t, None).await;
    assert_eq!(one["servers"].as_array().unwrap().len(), 1);
    let (_, _, running) = api
        .call(Method::GET, "/servers?status=running&per_page=1", t, None)
        .await;
    assert_eq!(running["meta"]["pagination"]["total_entries"], 60);
}

#[tokio::test]
async fn rate_limits_count_down_and_refuse_when_spent() {
    let api = Api::start(FakeConfig {
        rate_limit: 3,
        refill_per_sec: 0.001,
        ..fast()
    })
    .await;
    let p = api.fake.add_project("limited");
    let t = Some(p.read_only_token.as_str());
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let (status, headers, _) = api.call(Method::GET, "/locations", t, None).await;
        assert_eq!(status, StatusCode::OK);
        remaining.push(headers["ratelimit-remaining"].to_str().unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let (status, headers, body) = api.call(Method::GET, "/locations", t, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limit_exceeded"))
    );
    let reset: i64 = headers["ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        reset > time::OffsetDateTime::now_utc().unix_timestamp(),
        "reset lies in the future"
    );
}

#[tokio::test]
async fn faults_are_injected_on_demand() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("faults");
    let t = Some(p.read_only_token.as_str());
    api.fake.inject(
        Fault::error(503, "unavailable")
            .times(2)
            .on("GET", "/v1/servers"),
    );
    for _ in 0..2 {
        let (status, _, body) = api.call(Method::GET, "/servers", t, None).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
        );
    }
    assert_eq!(
        api.call(Method::GET, "/locations", t, None).await.0,
        StatusCode::OK,
        "other paths unaffected"
    );
    assert_eq!(
        api.call(Method::GET, "/servers", t, None).await.0,
        StatusCode::OK,
        "the fault is spent"
    );

    api.fake.inject(Fault::new(FaultKind::NotJson));
    let res = api
        .client
        .get(format!("{}/servers", api.fake.base_url()))
        .bearer_auth(&p.read_only_token)
        .send()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&res.text().await.unwrap()).is_err());

    api.fake.inject(Fault::new(FaultKind::Drop));
    let res = api
        .client
        .get(format!("{}/servers", api.fake.base_url()))
        .bearer_auth(&p.read_only_token)
        .send()
        .await;
    assert!(
        match res {
            Err(_) => true,
            Ok(r) => r.text().await.is_err(),
        },
        "the connection drops"
    );

    api.fake.inject(Fault::new(FaultKind::Hang));
    let hung = api
        .client
        .get(format!("{}/servers", api.fake.base_url()))
        .bearer_auth(&p.read_only_token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.is_err_and(|e| e.is_timeout()));

    api.fake.set_latency(Duration::from_millis(150));
    let started = std::time::Instant::now();
    api.call(Method::GET, "/locations", t, None).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(api.fake.request_count("GET", "/v1/servers"), 6);
}

#[tokio::test]
async fn the_admin_api_controls_the_fake() {
    let api = Api::start(fast()).await;
    let admin = format!("http://{}/_admin", api.fake.addr());
    let created: Value = api
        .client
        .post(format!("{admin}/projects"))
        .json(&json!({ "name": "demo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["read_write_token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64);
    let fault = json!({
        "kind": "error", "status": 500, "code": "server_error", "message": "boom", "count": 1,
    });
    let status = api
        .client
        .post(format!("{admin}/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.call(Method::GET, "/servers", Some(&token), None)
            .await
            .0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let shown: Value = api
        .client
        .get(format!("{admin}/projects/demo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["servers"], json!([]));
    assert_eq!(
        api.client
            .delete(format!("{admin}/tokens/{token}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.call(Method::GET, "/servers", Some(&token), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn power_actions_change_the_status_and_lock_the_server_meanwhile() {
    // Long enough that a loaded machine still reads the status mid-action.
    let config = FakeConfig {
        provisioning: Duration::from_millis(1000),
        ..FakeConfig::default()
    };
    let api = Api::start(config).await;
    let p = api.fake.add_project("power");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "web", "cx22", "fsn1").unwrap();
    let status = || async {
        let (_, _, s) = api
            .call(Method::GET, &format!("/servers/{id}"), t, None)
            .await;
        s["server"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let act = |command: &'static str| {
        let api = &api;
        async move {
            api.call(
                Method::POST,
                &format!("/servers/{id}/actions/{command}"),
                t,
                None,
            )
            .await
        }
    };
    assert_eq!(status().await, "running");
    let (code, _, shutdown) = act("shutdown").await;
    assert_eq!(code, StatusCode::CREATED, "{shutdown}");
    assert_eq!(shutdown["action"]["command"], "shutdown");
    assert_eq!(status().await, "stopping");
    // One action at a time: the server is locked until it ends.
    let (code, _, locked) = act("poweron").await;
    assert_eq!(code, StatusCode::LOCKED, "{locked}");
    assert_eq!(locked["error"]["code"], "locked");
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(status().await, "off");
    let (code, _, _) = act("poweron").await;
    assert_eq!(code, StatusCode::CREATED);
    assert_eq!(status().await, "starting");
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(status().await, "running");
    let (_, _, reboot) = act("reboot").await;
    let action = reboot["action"]["id"].as_i64().unwrap();
    let (_, _, running) = api
        .call(Method::GET, &format!("/actions/{action}"), t, None)
        .await;
    assert_eq!(running["action"]["status"], "running");
    assert_eq!(status().await, "running", "a reboot keeps it running");
    let (code, _, _) = api
        .call(Method::POST, "/servers/999999/actions/reboot", t, None)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn protection_is_one_setting_and_refuses_deletion() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("protected");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "db", "cx22", "fsn1").unwrap();
    let protect = |body: Value| {
        let api = &api;
        async move {
            api.call(
                Method::POST,
                &format!("/servers/{id}/actions/change_protection"),
                t,
                Some(body),
            )
            .await
        }
    };
    // Hetzner: delete and rebuild must have the same value.
    let (code, _, mismatched) =
        protect(serde_json::json!({ "delete": true, "rebuild": false })).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{mismatched}");
    assert_eq!(mismatched["error"]["code"], "invalid_input");
    let (code, _, action) = protect(serde_json::json!({ "delete": true, "rebuild": true })).await;
    assert_eq!(code, StatusCode::CREATED, "{action}");
    assert_eq!(action["action"]["command"], "change_protection");
    let (_, _, server) = api
        .call(Method::GET, &format!("/servers/{id}"), t, None)
        .await;
    assert_eq!(
        server["server"]["protection"],
        serde_json::json!({ "delete": true, "rebuild": true })
    );
    let (code, _, refused) = api
        .call(Method::DELETE, &format!("/servers/{id}"), t, None)
        .await;
    assert_eq!(code, StatusCode::LOCKED, "{refused}");
    assert_eq!(refused["error"]["code"], "protected");
    protect(serde_json::json!({ "delete": false, "rebuild": false })).await;
    let (code, _, _) = api
        .call(Method::DELETE, &format!("/servers/{id}"), t, None)
        .await;
    assert!(code.is_success(), "unprotected, it goes");
}

#[tokio::test]
async fn backups_toggle_and_a_type_change_needs_the_server_off_and_a_disk_that_fits() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("resize");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "app", "cx22", "fsn1").unwrap();
    let act = |command: &'static str, body: Option<Value>| {
        let api = &api;
        async move {
            let path = format!("/servers/{id}/actions/{command}");
            api.call(Method::POST, &path, t, body).await
        }
    };
    let server = || async {
        let (_, _, s) = api
            .call(Method::GET, &format!("/servers/{id}"), t, None)
            .await;
        s["server"].clone()
    };
    let after_action = || tokio::time::sleep(Duration::from_millis(450));
    let (code, _, on) = act("enable_backup", None).await;
    assert_eq!(code, StatusCode::CREATED, "{on}");
    assert!(server().await["backup_window"].is_string());
    act("disable_backup", None).await;
    assert!(server().await["backup_window"].is_null());

    let to = |server_type: &str, upgrade_disk: bool| {
        Some(serde_json::json!({ "server_type": server_type, "upgrade_disk": upgrade_disk }))
    };
    let (code, _, running) = act("change_type", to("ccx13", false)).await;
    assert_eq!(code, StatusCode::PRECONDITION_FAILED, "{running}");
    assert_eq!(running["error"]["code"], "server_not_stopped");
    let power_off = || async {
        act("poweroff", None).await;
        after_action().await;
    };
    power_off().await;
    let (code, _, arm) = act("change_type", to("cax11", false)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{arm}");
    assert_eq!(arm["error"]["code"], "invalid_server_type");
    let (code, _, bigger) = act("change_type", to("ccx13", false)).await;
    assert_eq!(code, StatusCode::CREATED, "{bigger}");
    assert_eq!(bigger["action"]["command"], "change_type");
    assert_eq!(server().await["status"], "migrating");
    let (code, _, _) = act("poweron", None).await;
    assert_eq!(code, StatusCode::LOCKED, "locked while the disk is copied");
    after_action().await;
    let now = server().await;
    assert_eq!(
        (now["status"].as_str(), now["server_type"]["name"].as_str()),
        (Some("running"), Some("ccx13"))
    );
    assert_eq!(now["primary_disk_size"], 40, "the disk was kept");
    power_off().await;
    let (code, _, back) = act("change_type", to("cx22", true)).await;
    assert_eq!(
        code,
        StatusCode::CREATED,
        "a kept disk allows going back: {back}"
    );
    after_action().await;
    power_off().await;
    act("change_type", to("ccx13", true)).await;
    after_action().await;
    assert_eq!(server().await["primary_disk_size"], 80, "the disk grew");
    power_off().await;
    let (code, _, smaller) = act("change_type", to("cx22", false)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{smaller}");
}

#[tokio::test]
async fn a_rebuild_writes_an_image_of_the_servers_architecture_and_answers_a_root_password() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("rebuild");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "app", "cx22", "fsn1").unwrap();
    let rebuild = |image: Value| {
        let api = &api;
        async move {
            let body = Some(serde_json::json!({ "image": image }));
            let path = format!("/servers/{id}/actions/rebuild");
            api.call(Method::POST, &path, t, body).await
        }
    };
    let (code, _, arm) = rebuild(Value::from("161547270")).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{arm}");
    let (code, _, rebuilt) = rebuild(Value::from("debian-12")).await;
    assert_eq!(code, StatusCode::CREATED, "{rebuilt}");
    assert_eq!(rebuilt["action"]["command"], "rebuild_server");
    assert!(
        rebuilt["root_password"].is_string(),
        "seeded without an SSH key"
    );
    let (_, _, server) = api
        .call(Method::GET, &format!("/servers/{id}"), t, None)
        .await;
    assert_eq!(server["server"]["status"], "rebuilding");
    assert_eq!(server["server"]["image"]["name"], "debian-12");
    let (code, _, _) = rebuild(Value::from("ubuntu-24.04")).await;
    assert_eq!(code, StatusCode::LOCKED);
    tokio::time::sleep(Duration::from_millis(450)).await;
    api.fake.set_delete_protection(&p, id, true);
    let (code, _, protected) = rebuild(Value::from("ubuntu-24.04")).await;
    assert_eq!(code, StatusCode::LOCKED, "{protected}");
    assert_eq!(protected["error"]["code"], "protected");
}

#[tokio::test]
async fn the_rescue_system_is_a_flag_with_its_own_root_password() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("rescue");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "app", "cx22", "fsn1").unwrap();
    let act = |command: &'static str, body: Option<Value>| {
        let api = &api;
        async move {
            let path = format!("/servers/{id}/actions/{command}");
            api.call(Method::POST, &path, t, body).await
        }
    };
    let unknown_key = serde_json::json!({ "type": "linux64", "ssh_keys": [424242] });
    let (code, _, refused) = act("enable_rescue", Some(unknown_key)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (code, _, on) = act(
        "enable_rescue",
        Some(serde_json::json!({ "type": "linux64" })),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{on}");
    assert!(on["root_password"].is_string());
    let (_, _, server) = api
        .call(Method::GET, &format!("/servers/{id}"), t, None)
        .await;
    assert_eq!(server["server"]["rescue_enabled"], true);
    let (code, _, off) = act("disable_rescue", None).await;
    assert_eq!(code, StatusCode::CREATED, "{off}");
    let (_, _, server) = api
        .call(Method::GET, &format!("/servers/{id}"), t, None)
        .await;
    assert_eq!(server["server"]["rescue_enabled"], false);
}

#[tokio::test]
async fn a_snapshot_is_creating_then_available_and_listed_with_the_images() {
    let api = Api::start(fast()).await;
    let p = api.fake.add_project("snapshots");
    let t = Some(p.read_write_token.as_str());
    let id = api.fake.seed_server(&p, "app", "cx22", "fsn1").unwrap();
    let body = serde_json::json!({
        "type": "snapshot", "description": "before upgrade", "labels": { "managed-by": "potions" },
    });
    let (code, _, made) = api
        .call(
            Method::POST,
            &format!("/servers/{id}/actions/create_image"),
            t,
            Some(body),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{made}");
    assert_eq!(made["image"]["status"], "creating");
    assert_eq!(made["image"]["created_from"]["id"], id);
    let (code, _, _) = api
        .call(
            Method::POST,
            &format!("/servers/{id}/actions/reboot"),
            t,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::LOCKED, "locked while the image is made");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (_, _, listed) = api
        .call(
            Method::GET,
            "/images?type=snapshot&label_selector=managed-by=potions",
            t,
            None,
        )
        .await;
    let images = listed["images"].as_array().unwrap();
    assert_eq!(images.len(), 1, "{listed}");
    assert_eq!(images[0]["status"], "available");
    assert!(images[0]["image_size"].as_f64().unwrap() > 0.0);
    let (_, _, system) = api.call(Method::GET, "/images?type=system", t, None).await;
    assert!(system["images"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["type"] == "system"));
}
