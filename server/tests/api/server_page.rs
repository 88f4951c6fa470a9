//! A server's page: what the server is, read from its provider now, for a
//! Hetzner server and a DigitalOcean droplet alike; another user's, another
//! connection's or a gone server reads as not found; "What Potions did here"
//! keeps to this server. Power actions: only what the state allows, followed
//! to the end, refused clearly when the provider holds the server, logged.

use crate::support::{
    location, path_of, Backend, CreateServer, DeleteServer, ListActivity, LoadServer, PowerServer,
    ReadProvisioningProgress, RenameServer, SetReverseDns, SetServerProtection, TestApp,
    WithDigitalOcean, PASSWORD,
};
use app::error::{AppError, Refusal};
use hetzner_fake::FakeProject;
use model::provisioning::{Currency, PowerAction};
use reqwest::StatusCode;

on_both_databases!(
    a_hetzner_server_is_shown_in_full_to_its_owner_only,
    hetzner_power_actions_follow_the_state_and_are_logged,
    a_server_is_renamed_within_the_rules,
    reverse_dns_is_set_per_address_on_hetzner_only,
    protection_goes_on_at_once_and_off_after_asking_again,
);
on_both_backends!(
    a_droplet_is_shown_in_its_providers_words,
    droplet_power_actions_follow_the_state,
    a_droplet_is_renamed_by_its_action,
    a_droplet_has_no_protection_and_says_so,
);

pub(crate) fn load(id: &str, server_id: i64) -> LoadServer {
    LoadServer {
        id: id.into(),
        server_id,
    }
}

/// The server id a create redirected to (`…?watch=<id>&actions=…`).
fn watched(res: &reqwest::Response) -> i64 {
    let to = location(res);
    to.split("watch=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not created: {to}"))
}

/// Ada with a Hetzner project "Prod" connected and a running server `name`
/// in it: (cookie, project, connection id, server id).
pub(crate) async fn hetzner_server(
    app: &TestApp,
    name: &str,
) -> (String, FakeProject, String, i64) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    let server_id = app
        .fake
        .seed_server(&project, name, "cx22", "fsn1")
        .unwrap();
    (cookie, project, id, server_id)
}

/// Ada with the team "Acme" connected and a droplet `web-1` created there:
/// (cookie, connection id, droplet id).
pub(crate) async fn droplet_web_1(w: &WithDigitalOcean) -> (String, String, i64) {
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    let form = [
        ("id", id.as_str()),
        ("name", "web-1"),
        ("location", "fra1"),
        ("server_type", "s-1vcpu-1gb"),
        ("image", "160000003"),
    ];
    let res = w
        .app
        .post_form(
            path_of::<CreateServer>(),
            &format!("/projects/{id}"),
            &form,
            Some(&cookie),
        )
        .await;
    let server_id = watched(&res);
    (cookie, id, server_id)
}

async fn a_hetzner_server_is_shown_in_full_to_its_owner_only(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    let create = [
        ("id", id.as_str()),
        ("name", "web-1"),
        ("location", "fsn1"),
        ("server_type", "cx22"),
        ("image", "161547269"),
    ];
    let res = app
        .post_form(
            path_of::<CreateServer>(),
            &format!("/projects/{id}"),
            &create,
            Some(&cookie),
        )
        .await;
    let server_id = watched(&res);
    let other_id = app
        .fake
        .seed_server(&project, "by-hand", "cx22", "fsn1")
        .unwrap();

    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    let details = &overview.details;
    assert_eq!(overview.label, "Prod");
    assert_eq!(details.server.name, "web-1");
    assert_eq!(
        (
            details.server.size.as_str(),
            details.server.location.as_str()
        ),
        ("cx22", "fsn1")
    );
    assert!(details.server.managed_by_potions);
    assert_eq!(details.currency, Currency::EurWithVat);
    assert!(
        details.monthly_price.is_some_and(|p| p > 0.0),
        "{details:?}"
    );
    assert_eq!(details.rebuild_protected, Some(false));
    assert!(
        details.labels.contains(&"managed-by=potions".to_string()),
        "{details:?}"
    );
    assert!(
        details
            .reverse_dns
            .iter()
            .any(|(ip, name)| Some(ip) == details.server.ipv4.as_ref() && !name.is_empty()),
        "{details:?}"
    );
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("web-1") && page.contains("Reverse DNS") && page.contains("/month"),
        "{page}"
    );
    // The project page links each name to its page.
    let project_page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        project_page.contains(&format!("/projects/{id}/servers/{server_id}\"")),
        "{project_page}"
    );

    // What Potions did here: this server's entries only.
    let delete = DeleteServer {
        id: id.clone(),
        server_id: other_id,
        confirm_name: "by-hand".into(),
        snapshot_first: false,
    };
    app.invoke(delete, &cookie).await.ok();
    let of_server = |server: i64| ListActivity {
        connection: Some(id.clone()),
        area: Some("cloud".into()),
        older: None,
        server: Some(server.to_string()),
    };
    let mine = app.invoke(of_server(server_id), &cookie).await.ok();
    let names: Vec<_> = mine.items.iter().map(|i| i.target_name.clone()).collect();
    assert_eq!(names, [Some("web-1".to_string())]);

    // Gone, another user's, a malformed id: not found, nothing leaks.
    let gone = app.invoke(load(&id, other_id), &cookie).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.refused(), AppError(Refusal::ServerNotFound));
    let mallory = app.sign_up("mallory@example.com").await;
    let theirs = app.invoke(load(&id, server_id), &mallory).await;
    assert_eq!(theirs.refused(), AppError(Refusal::ConnectionNotFound));
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &mallory)
        .await;
    assert!(
        !page.contains("web-1") && page.contains("isn't connected"),
        "{page}"
    );
    let res = app
        .get(
            &format!("/projects/{id}/servers/not-a-number"),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.text().await.unwrap().contains("web-1"));
}

async fn a_droplet_is_shown_in_its_providers_words(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    let overview = w.app.invoke(load(&id, server_id), &cookie).await.ok();
    let details = &overview.details;
    assert_eq!(details.server.name, "web-1");
    assert_eq!(details.currency, Currency::Usd);
    assert_eq!(details.monthly_price, Some(6.0), "{details:?}");
    assert_eq!(details.rebuild_protected, None, "DigitalOcean has none");
    assert!(
        details
            .image
            .as_deref()
            .is_some_and(|i| i.contains("Debian")),
        "{details:?}"
    );
    assert!(
        details.labels.contains(&"managed-by:potions".to_string()),
        "{details:?}"
    );
    let page = w
        .app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("Region") && page.contains("Size") && page.contains("None at DigitalOcean"),
        "{page}"
    );
    let gone = w.app.invoke(load(&id, 999_999), &cookie).await;
    assert_eq!(gone.refused(), AppError(Refusal::ServerNotFound));
}

fn power(id: &str, server_id: i64, action: PowerAction) -> PowerServer {
    PowerServer {
        id: id.into(),
        server_id,
        action,
    }
}

/// The server's snapshots once none is still being made.
pub(crate) async fn settled(
    app: &TestApp,
    cookie: &str,
    id: &str,
    server_id: i64,
) -> Vec<model::provisioning::Snapshot> {
    for _ in 0..200 {
        let snapshots = app
            .invoke(load(id, server_id), cookie)
            .await
            .ok()
            .snapshots
            .expect("snapshots read");
        if snapshots.iter().all(|s| !s.creating) {
            return snapshots;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("a snapshot never finished");
}

/// Follows the provider's actions named in a power form's redirect until done.
pub(crate) async fn follow(app: &TestApp, cookie: &str, id: &str, to: &str) {
    let actions = to.split("actions=").nth(1).unwrap_or_default();
    let actions = actions.split('&').next().unwrap_or_default().to_string();
    let read = ReadProvisioningProgress {
        id: id.into(),
        actions,
    };
    for _ in 0..100 {
        if app.invoke(read.clone(), cookie).await.ok().done {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the action never finished: {to}");
}

async fn hetzner_power_actions_follow_the_state_and_are_logged(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "web-1").await;
    let status = || async {
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .server
            .status
    };
    // Only what the state allows: a running server cannot be powered on.
    let refused = app
        .invoke(power(&id, server_id, PowerAction::PowerOn), &cookie)
        .await;
    assert_eq!(
        refused.refused(),
        AppError(Refusal::ServerStateDoesNotAllow)
    );
    assert_eq!(
        app.fake
            .request_count("POST", &format!("/v1/servers/{server_id}/actions/poweron")),
        0
    );

    // Shut down without JavaScript: the browser lands on the server page, following it.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("action", "shut_down"),
    ];
    let page = format!("/projects/{id}/servers/{server_id}");
    let res = app
        .post_form(path_of::<PowerServer>(), &page, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page}?power=shut_down&actions=")),
        "{to}"
    );
    let html = app.page(&to, &cookie).await;
    assert!(
        html.contains("Shut down") && html.contains("progress-title"),
        "{html}"
    );
    follow(&app, &cookie, &id, &to).await;
    assert_eq!(status().await, "off");
    // Without JavaScript the page itself says where the action is, read while
    // rendering (and reloads itself only until it ends).
    let html = app.page(&to, &cookie).await;
    assert!(
        html.contains("The server is off.") && !html.contains("http-equiv=\"refresh\""),
        "{html}"
    );
    let html = app.page(&page, &cookie).await;
    assert!(
        html.contains("Power on") && !html.contains(">Reboot<"),
        "{html}"
    );

    app.invoke(power(&id, server_id, PowerAction::PowerOn), &cookie)
        .await
        .ok();
    // Hetzner refusing because another action holds the server: said so.
    app.fake.inject(
        hetzner_fake::Fault::new(hetzner_fake::FaultKind::Error {
            status: 423,
            code: "locked".into(),
            message: "server is locked".into(),
        })
        .on("POST", &format!("/v1/servers/{server_id}/actions/reboot")),
    );
    for _ in 0..100 {
        if status().await == "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let locked = app
        .invoke(power(&id, server_id, PowerAction::Reboot), &cookie)
        .await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    assert_eq!(locked.refused(), AppError(Refusal::ServerLocked));

    // Every action is in the log with Hetzner's correlation id, a refused one as failed.
    let log = ListActivity {
        connection: Some(id.clone()),
        area: Some("cloud".into()),
        older: None,
        server: Some(server_id.to_string()),
    };
    let entries = app.invoke(log, &cookie).await.ok().items;
    let seen: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e.action.map(|a| a.stored_name()).unwrap_or("?"),
                e.outcome.stored_name()
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "cloud.server.rebooted failed",
            "cloud.server.powered_on ok",
            "cloud.server.shut_down ok"
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.provider_request_id.is_some() && e.target_name.as_deref() == Some("web-1")));

    // Another user's server: nothing is sent.
    let mallory = app.sign_up("mallory@example.com").await;
    let theirs = app
        .invoke(power(&id, server_id, PowerAction::PowerOff), &mallory)
        .await;
    assert_eq!(theirs.refused(), AppError(Refusal::ConnectionNotFound));
    assert_eq!(
        app.fake
            .request_count("POST", &format!("/v1/servers/{server_id}/actions/poweroff")),
        0
    );
}

async fn droplet_power_actions_follow_the_state(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    // Still being created: no power action applies yet.
    let early = w
        .app
        .invoke(power(&id, server_id, PowerAction::Reboot), &cookie)
        .await;
    assert_eq!(early.refused(), AppError(Refusal::ServerStateDoesNotAllow));
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    w.app
        .invoke(power(&id, server_id, PowerAction::PowerOff), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let status = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details
        .server
        .status;
    assert_eq!(status, "off");
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("action", "power_on"),
    ];
    let page = format!("/projects/{id}/servers/{server_id}");
    let res = w
        .app
        .post_form(path_of::<PowerServer>(), &page, &form, Some(&cookie))
        .await;
    // Without JavaScript, the page following the action reloads itself until it ends.
    let html = w.app.page(&location(&res), &cookie).await;
    assert!(
        html.contains("http-equiv=\"refresh\"") && html.contains("Power on"),
        "{html}"
    );
    // Powering on, it reads off until DigitalOcean completes: no shutdown yet.
    let pending = w
        .app
        .invoke(power(&id, server_id, PowerAction::ShutDown), &cookie)
        .await;
    assert_eq!(
        pending.refused(),
        AppError(Refusal::ServerStateDoesNotAllow),
        "off until it completes"
    );
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let status = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details
        .server
        .status;
    assert_eq!(status, "active");
}

fn rename(id: &str, server_id: i64, name: &str) -> RenameServer {
    RenameServer {
        id: id.into(),
        server_id,
        name: name.into(),
    }
}

async fn a_server_is_renamed_within_the_rules(app: TestApp) {
    let (cookie, project, id, server_id) = hetzner_server(&app, "web-1").await;
    app.fake
        .seed_server(&project, "db-1", "cx22", "fsn1")
        .unwrap();
    let path = format!("/v1/servers/{server_id}");
    // Not a host name: refused before anything is sent.
    let bad = app.invoke(rename(&id, server_id, "web_1!"), &cookie).await;
    assert_eq!(bad.refused(), AppError(Refusal::InvalidServerName));
    assert_eq!(app.fake.request_count("PUT", &path), 0);
    // Taken in the project: Hetzner says so, in the user's terms.
    let taken = app.invoke(rename(&id, server_id, "db-1"), &cookie).await;
    assert_eq!(taken.refused(), AppError(Refusal::ServerNameTaken));
    // Without JavaScript: back on the server's page, under its new name.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("name", " web-2 "),
    ];
    let page = format!("/projects/{id}/servers/{server_id}");
    let res = app
        .post_form(path_of::<RenameServer>(), &page, &form, Some(&cookie))
        .await;
    assert_eq!(location(&res), page);
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert_eq!(details.server.name, "web-2");
    let log = ListActivity {
        connection: Some(id.clone()),
        area: Some("cloud".into()),
        older: None,
        server: Some(server_id.to_string()),
    };
    let entries = app.invoke(log, &cookie).await.ok().items;
    let renamed: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.outcome.stored_name(),
                e.target_name.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        renamed,
        [("ok", "web-2".to_string()), ("failed", "db-1".to_string())]
    );
}

async fn a_droplet_is_renamed_by_its_action(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("name", "web-2"),
    ];
    let page = format!("/projects/{id}/servers/{server_id}");
    let res = w
        .app
        .post_form(path_of::<RenameServer>(), &page, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page}?renamed=1&actions=")),
        "{to}"
    );
    let html = w.app.page(&to, &cookie).await;
    assert!(
        html.contains("Renaming") && !html.contains("Set reverse DNS"),
        "{html}"
    );
    // A droplet's reverse DNS follows its name: refused, and said so.
    let droplet = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details
        .server;
    let set = SetReverseDns {
        id: id.clone(),
        server_id,
        ip: droplet.ipv4.unwrap_or_default(),
        name: "mail.example.com".into(),
    };
    let refused = w.app.invoke(set, &cookie).await.refused();
    assert_eq!(refused, AppError(Refusal::ReverseDnsFollowsName));
    let details = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details;
    assert_eq!(details.server.name, "web-2");
}

async fn reverse_dns_is_set_per_address_on_hetzner_only(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "mail").await;
    let server = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details
        .server;
    let (ipv4, ipv6) = (server.ipv4.unwrap(), server.ipv6.unwrap());
    let set = |ip: &str, name: &str| SetReverseDns {
        id: id.clone(),
        server_id,
        ip: ip.into(),
        name: name.into(),
    };
    app.invoke(set(&ipv4, "mail.example.com"), &cookie)
        .await
        .ok();
    app.invoke(set(&ipv6, "mail6.example.com"), &cookie)
        .await
        .ok();
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert!(
        details
            .reverse_dns
            .contains(&(ipv4.clone(), "mail.example.com".into())),
        "{details:?}"
    );
    assert!(
        details
            .reverse_dns
            .contains(&(ipv6.clone(), "mail6.example.com".into())),
        "{details:?}"
    );
    // Empty puts Hetzner's default back.
    app.invoke(set(&ipv6, " "), &cookie).await.ok();
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert!(
        !details.reverse_dns.iter().any(|(ip, _)| *ip == ipv6),
        "{details:?}"
    );
    // Not a host name, or not this server's address: refused before anything is sent.
    let sent = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/change_dns_ptr"),
        )
    };
    let before = sent();
    let bad = app.invoke(set(&ipv4, "not a name"), &cookie).await;
    assert_eq!(bad.refused(), AppError(Refusal::InvalidReverseDns));
    let elsewhere = app
        .invoke(set("203.0.113.7", "evil.example.com"), &cookie)
        .await;
    assert_eq!(elsewhere.refused(), AppError(Refusal::BadRequest));
    assert_eq!(sent(), before);
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("mail.example.com") && page.contains("Set reverse DNS"),
        "{page}"
    );
}

fn protection(
    id: &str,
    server_id: i64,
    on: bool,
    name: &str,
    password: &str,
) -> SetServerProtection {
    SetServerProtection {
        id: id.into(),
        server_id,
        on,
        name: Some(name.into()),
        password: Some(password.into()),
        code: None,
    }
}

/// Protection goes on at once; off takes a safety net away, so it asks
/// again (the server's name and the password), and nothing is sent until
/// both are right. Another user's server reads as not found. Each change is
/// in the activity log.
async fn protection_goes_on_at_once_and_off_after_asking_again(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(page.contains("Turn protection on"), "{page}");
    app.invoke(protection(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert!(details.server.delete_protected);
    assert_eq!(details.rebuild_protected, Some(true));
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(page.contains("Type db-1 to confirm"), "{page}");

    let sent = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/change_protection"),
        )
    };
    let before = sent();
    let misnamed = app
        .invoke(protection(&id, server_id, false, "db-2", PASSWORD), &cookie)
        .await;
    assert_eq!(misnamed.refused(), AppError(Refusal::ConfirmationMismatch));
    let unproven = app
        .invoke(
            protection(&id, server_id, false, "db-1", "not the password"),
            &cookie,
        )
        .await;
    assert_eq!(unproven.refused(), AppError(Refusal::WrongPassword));
    assert_eq!(sent(), before, "nothing sent before both are right");
    let mallory = app.sign_up("mallory@example.com").await;
    let theirs = app
        .invoke(
            protection(&id, server_id, false, "db-1", PASSWORD),
            &mallory,
        )
        .await;
    assert_eq!(theirs.refused(), AppError(Refusal::ConnectionNotFound));
    assert_eq!(sent(), before);

    app.invoke(
        protection(&id, server_id, false, " db-1 ", PASSWORD),
        &cookie,
    )
    .await
    .ok();
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert!(!details.server.delete_protected);
    assert_eq!(details.rebuild_protected, Some(false));
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.protection_changed' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 2);
}

/// DigitalOcean has no protection for droplets: the page says so, and a
/// request for it is refused before anything is sent.
async fn a_droplet_has_no_protection_and_says_so(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    let page = w
        .app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("DigitalOcean has no delete or rebuild protection"),
        "{page}"
    );
    let refused = w
        .app
        .invoke(protection(&id, server_id, true, "", ""), &cookie)
        .await;
    assert_eq!(refused.refused(), AppError(Refusal::BadRequest));
}
