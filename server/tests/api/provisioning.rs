//! Provisioning in a connected project over HTTP, on SQLite and PostgreSQL,
//! against the in-process fake Hetzner.

use crate::support::{location, TestApp};
use crate::support::{
    path_of, AddSshKey, CreateServer, DeleteServer, DeleteSshKey, DisconnectConnection,
    LoadCreateServerChoices, ReadProvisioningProgress, ReplaceToken,
};
use hetzner_fake::{FakeProject, Fault, Permission};
use model::provisioning::CreateServerChoices;
use std::time::Duration;

on_both_databases!(
    create_follows_the_menus_and_runs,
    create_failures_read_in_the_users_terms,
    delete_asks_for_the_name_and_respects_protection,
    ssh_keys_add_duplicate_and_delete,
    a_deleted_token_needs_attention_until_replaced,
    rate_limits_wait_for_the_reset_or_say_when,
    a_disconnected_project_sends_nothing,
);

async fn connected(app: &TestApp) -> (String, FakeProject, String) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    (cookie, project, id)
}

async fn create(
    app: &TestApp,
    cookie: &str,
    id: &str,
    name: &str,
    location: &str,
    server_type: &str,
    image: &str,
) -> reqwest::Response {
    app.post_form(
        path_of::<CreateServer>(),
        &format!("/projects/{id}"),
        &[
            ("id", id),
            ("name", name),
            ("location", location),
            ("server_type", server_type),
            ("image", image),
        ],
        Some(cookie),
    )
    .await
}

const UBUNTU_X86: &str = "161547269";
const UBUNTU_ARM: &str = "161547270";

async fn create_follows_the_menus_and_runs(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    let load = LoadCreateServerChoices { id: id.clone() };
    let menus: CreateServerChoices = app.invoke(load, &cookie).await.ok();
    let types = &menus.catalogue.sizes;
    assert!(
        types.iter().all(|t| t.name != "cx11"),
        "the deprecated type is not offered"
    );
    let cx22 = types.iter().find(|t| t.name == "cx22").unwrap();
    assert!(!cx22.sold_in("ash"), "cx22 is not sold in ash");
    // Hetzner's 2026 API: sold out where `available` is false, marked where `recommended`.
    assert!(!cx22.sold_in("hel1"), "cx22 is sold out in hel1");
    assert!(cx22.recommended_in("fsn1"));
    let ccx13 = types.iter().find(|t| t.name == "ccx13").unwrap();
    assert!(ccx13
        .prices
        .iter()
        .all(|p| !p.recommended || p.location == "fsn1"));
    assert!(menus.ssh_keys.iter().any(|k| k.is_potions_key));

    // A type not sold in the location, and an x86 image for an arm type, are refused before sending.
    let res = create(&app, &cookie, &id, "web-1", "ash", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "isn't available in that location. It is available in: fsn1, nbg1.",
        Some(&cookie),
    )
    .await;
    let res = create(&app, &cookie, &id, "web-1", "hel1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "isn't available in that location. It is available in: fsn1, nbg1.",
        Some(&cookie),
    )
    .await;
    let res = create(&app, &cookie, &id, "arm-1", "fsn1", "cax11", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "The image you chose can't be used here.",
        Some(&cookie),
    )
    .await;
    let res = create(&app, &cookie, &id, "-bad-", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "Server names are host names",
        Some(&cookie),
    )
    .await;
    assert_eq!(
        app.fake.request_count("POST", "/v1/servers"),
        0,
        "nothing was sent"
    );

    let res = create(&app, &cookie, &id, "arm-1", "hel1", "cax11", UBUNTU_ARM).await;
    let to = location(&res);
    assert!(to.starts_with(&format!("/projects/{id}?watch=")), "{to}");
    let actions = to.split("actions=").nth(1).unwrap().to_string();
    let read = ReadProvisioningProgress {
        id: id.clone(),
        actions,
    };
    let mut last = None;
    for _ in 0..40 {
        let progress = app.invoke(read.clone(), &cookie).await.ok();
        let done = progress.done;
        last = Some(progress);
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let last = last.expect("progress was read");
    assert_eq!((last.done, last.percent), (true, Some(100)), "{last:?}");

    let page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        page.contains("arm-1") && page.contains("running") && page.contains("Potions</span>"),
        "{page}"
    );
    assert!(
        page.contains("::1<") && !page.contains("::/64"),
        "the IPv6 host address, never the /64"
    );
    let created = &app.fake.server_names(&project);
    assert_eq!(created, &vec!["arm-1".to_string()]);
}

async fn create_failures_read_in_the_users_terms(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    app.fake
        .seed_server(&project, "taken", "cx22", "fsn1")
        .unwrap();
    let page = format!("/projects/{id}");
    let res = create(&app, &cookie, &id, "taken", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &page,
        "A server with this name already exists in this project.",
        Some(&cookie),
    )
    .await;
    app.fake.set_server_limit(&project, 1);
    let res = create(&app, &cookie, &id, "second", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &page,
        "This project has reached its server limit at Hetzner.",
        Some(&cookie),
    )
    .await;
    app.fake.set_server_limit(&project, 10);
    app.fake
        .inject(Fault::error(401, "token_readonly").on("POST", "/v1/servers"));
    let res = create(&app, &cookie, &id, "second", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(res, &page, "This token is Read-only.", Some(&cookie))
        .await;
    app.fake
        .inject(Fault::error(503, "unavailable").on("POST", "/v1/servers"));
    let res = create(&app, &cookie, &id, "second", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(res, &page, "Potions couldn't reach Hetzner", Some(&cookie))
        .await;
    assert_eq!(
        app.fake.server_names(&project),
        vec!["taken".to_string()],
        "no failure created anything"
    );
}

async fn delete_asks_for_the_name_and_respects_protection(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    let server = app
        .fake
        .seed_server(&project, "old-box", "cx22", "fsn1")
        .unwrap()
        .to_string();
    let page = format!("/projects/{id}/servers/{server}/delete");
    let confirm = app.page(&page, &cookie).await;
    assert!(
        confirm.contains("Type the server&#x27;s name")
            || confirm.contains("Type the server's name")
    );
    let res = app
        .post_form(
            path_of::<DeleteServer>(),
            &page,
            &[("id", &id), ("server_id", &server), ("confirm_name", "old")],
            Some(&cookie),
        )
        .await;
    app.assert_form_error_as(
        res,
        &page,
        "The name you typed doesn't match",
        Some(&cookie),
    )
    .await;
    app.fake
        .set_delete_protection(&project, server.parse().unwrap(), true);
    let res = app
        .post_form(
            path_of::<DeleteServer>(),
            &page,
            &[
                ("id", &id),
                ("server_id", &server),
                ("confirm_name", "old-box"),
            ],
            Some(&cookie),
        )
        .await;
    app.assert_form_error_as(
        res,
        &page,
        "This server is delete-protected.",
        Some(&cookie),
    )
    .await;
    assert_eq!(app.fake.request_count("DELETE", "/v1/servers"), 0);
    app.fake
        .set_delete_protection(&project, server.parse().unwrap(), false);
    let res = app
        .post_form(
            path_of::<DeleteServer>(),
            &page,
            &[
                ("id", &id),
                ("server_id", &server),
                ("confirm_name", "old-box"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), format!("/projects/{id}?deleted=old-box"));
    assert!(app.fake.server_names(&project).is_empty());
}

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp ada@laptop";

async fn ssh_keys_add_duplicate_and_delete(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    let page = format!("/projects/{id}/ssh-keys");
    let add = |name: &str| AddSshKey {
        id: id.clone(),
        name: name.into(),
        public_key: KEY.into(),
    };
    let added = app.invoke(add("laptop"), &cookie).await.ok();
    assert_eq!(added, None, "added, nothing to say");
    let again = app.invoke(add("laptop 2"), &cookie).await.ok();
    let again = again.unwrap_or_default();
    assert!(
        again.contains("already in the project as \u{201c}laptop\u{201d}"),
        "{again}"
    );
    let res = app
        .post_form(
            path_of::<AddSshKey>(),
            &page,
            &[
                ("id", &id),
                ("name", "bad"),
                ("public_key", "ssh-ed25519 nope"),
            ],
            Some(&cookie),
        )
        .await;
    app.assert_form_error_as(
        res,
        &page,
        "That isn't an OpenSSH public key.",
        Some(&cookie),
    )
    .await;
    let listing = app.page(&page, &cookie).await;
    assert!(
        listing.contains("laptop")
            && listing.contains("Potions key")
            && listing.contains("3a:57:1a:ae"),
        "{listing}"
    );
    let laptop = app
        .fake
        .ssh_keys(&project)
        .into_iter()
        .find(|k| k.name == "laptop")
        .unwrap();
    let delete = |key_id| DeleteSshKey {
        id: id.clone(),
        key_id,
    };
    app.invoke(delete(laptop.id), &cookie).await.ok();
    assert_eq!(
        app.fake.ssh_keys(&project).len(),
        1,
        "only the Potions key is left"
    );

    // Deleting the Potions key is allowed; the next create adds it again.
    let potions_key = app.fake.ssh_keys(&project)[0].id;
    app.invoke(delete(potions_key), &cookie).await.ok();
    let res = create(&app, &cookie, &id, "after-key", "fsn1", "cx22", UBUNTU_X86).await;
    assert!(location(&res).contains("watch="), "{}", location(&res));
    assert_eq!(
        app.fake.ssh_keys(&project).len(),
        1,
        "the Potions key is back"
    );
}

async fn a_deleted_token_needs_attention_until_replaced(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    app.fake.revoke_token(&project.read_write_token);
    let page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        page.contains("Needs attention") && page.contains("has Read &amp; Write permissions"),
        "{page}"
    );
    assert!(app.page("/", &cookie).await.contains("Needs attention"));
    // Counted by kind, not in all: the project page's create-form menus load
    // concurrently and may still be answered after the page is.
    let calls = || ["POST", "DELETE"].map(|method| app.fake.request_count(method, "/v1/"));
    let before = calls();
    let res = create(&app, &cookie, &id, "web-1", "fsn1", "cx22", UBUNTU_X86).await;
    // The page shows the replacement form instead of the create form.
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "Hetzner rejected this project's token",
        Some(&cookie),
    )
    .await;
    assert_eq!(calls(), before, "provisioning stops until it is fixed");

    let replacement = app.fake.add_token(&project, Permission::ReadWrite);
    let res = app
        .post_form(
            path_of::<ReplaceToken>(),
            &format!("/projects/{id}"),
            &[("id", &id), ("token", &replacement)],
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), format!("/projects/{id}"));
    let page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(!page.contains("Needs attention") && page.contains("Create a server"));
}

async fn rate_limits_wait_for_the_reset_or_say_when(app: TestApp) {
    let (cookie, project, id) = connected(&app).await;
    // A 429 whose reset is a second away is waited out.
    app.fake
        .inject(Fault::error(429, "rate_limit_exceeded").on("GET", "/v1/servers"));
    let page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(page.contains("Servers"), "{page}");
    assert_eq!(
        app.fake.request_count("GET", "/v1/servers"),
        3,
        "connect, the 429, the retry"
    );
    // A spent allowance says when to come back.
    app.fake.exhaust_rate_limit(&project);
    let res = create(&app, &cookie, &id, "web-9", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "Try again in 60 minutes.",
        Some(&cookie),
    )
    .await;
}

async fn a_disconnected_project_sends_nothing(app: TestApp) {
    let (cookie, _, id) = connected(&app).await;
    app.post_form(
        path_of::<DisconnectConnection>(),
        "/account",
        &[("id", &id)],
        Some(&cookie),
    )
    .await;
    let calls = app.fake.exchanges().len();
    let page = app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        page.contains("This project isn't connected") && page.contains("Reconnect Hetzner Cloud"),
        "{page}"
    );
    let res = create(&app, &cookie, &id, "web-1", "fsn1", "cx22", UBUNTU_X86).await;
    app.assert_form_error_as(
        res,
        &format!("/projects/{id}"),
        "This project isn't connected",
        Some(&cookie),
    )
    .await;
    assert_eq!(
        app.fake.exchanges().len(),
        calls,
        "nothing is sent to Hetzner"
    );
}
