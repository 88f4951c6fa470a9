//! The activity log: what happened to an account and what Potions did in
//! its clouds, newest first, with the request ids; filtered and paged
//! within the user's own entries; never holding up the request it records.

use crate::support::{
    location, path_of, AddSshKey, CreateServer, DeleteServer, DeleteSshKey, DisconnectConnection,
    ListActivity, RenameConnection, TestApp,
};
use app::activity::ActivityPage;
use app::error::{AppError, Refusal};
use reqwest::StatusCode;

on_both_databases!(
    what_happened_is_listed_newest_first_with_its_ids,
    filters_and_pages_keep_to_the_user,
    a_failing_log_fails_no_request,
);

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp ada@laptop";

/// Every entry, newest first, with no filter.
const ALL: ListActivity = ListActivity {
    connection: None,
    area: None,
    older: None,
    server: None,
};

async fn activity(app: &TestApp, cookie: &str, filter: ListActivity) -> ActivityPage {
    app.invoke(filter, cookie).await.ok()
}

/// Each entry as `<stored action> <outcome>`, as the database keeps them.
fn actions(page: &ActivityPage) -> Vec<String> {
    page.items
        .iter()
        .map(|i| {
            let action = i.action.expect("an action this version knows");
            format!("{} {}", action.stored_name(), i.outcome.stored_name())
        })
        .collect()
}

fn rename(id: &str, label: &str) -> RenameConnection {
    RenameConnection {
        id: id.into(),
        label: label.into(),
    }
}

async fn what_happened_is_listed_newest_first_with_its_ids(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let wrong = app.sign_in("ada@example.com", "not the password").await;
    assert_eq!(wrong.status(), StatusCode::FOUND);
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(
            &cookie,
            "<script>alert(1)</script>",
            &project.read_write_token,
        )
        .await;
    app.invoke(rename(&id, "Prod <b>"), &cookie).await.ok();
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
    let server_id = location(&res)
        .split("watch=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_string();
    // Refused before anything was sent: not a change, not recorded.
    let delete = |confirm_name: &str| DeleteServer {
        id: id.clone(),
        server_id: server_id.parse().unwrap(),
        confirm_name: confirm_name.into(),
        snapshot_first: false,
    };
    let refused = app.invoke(delete("web-2"), &cookie).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.invoke(delete("web-1"), &cookie).await.ok();
    let add_key = AddSshKey {
        id: id.clone(),
        name: "laptop".into(),
        public_key: KEY.into(),
    };
    app.invoke(add_key, &cookie).await.ok();
    let laptop = app
        .fake
        .ssh_keys(&project)
        .into_iter()
        .find(|k| k.name == "laptop")
        .unwrap();
    let delete_key = DeleteSshKey {
        id: id.clone(),
        key_id: laptop.id,
    };
    app.invoke(delete_key, &cookie).await.ok();
    // Hetzner failing to answer: the outcome is unknown, not "failed".
    app.fake
        .inject(hetzner_fake::Fault::new(hetzner_fake::FaultKind::Hang).on("POST", "/v1/servers"));
    let mut again = create;
    again[1] = ("name", "web-3");
    app.post_form(
        path_of::<CreateServer>(),
        &format!("/projects/{id}"),
        &again,
        Some(&cookie),
    )
    .await;
    app.fake.clear_faults();
    // Hetzner refusing: failed, with the correlation id of its refusal.
    app.fake
        .seed_server(&project, "taken", "cx22", "fsn1")
        .unwrap();
    let taken = CreateServer {
        id: id.clone(),
        name: "taken".into(),
        location: "fsn1".into(),
        server_type: "cx22".into(),
        image: 161547269,
        ssh_keys: Vec::new(),
    };
    let refused = app.invoke(taken, &cookie).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.refused(), AppError(Refusal::ServerNameTaken));
    let disconnect = DisconnectConnection { id: id.clone() };
    app.invoke(disconnect, &cookie).await.ok();

    let page = activity(&app, &cookie, ALL).await;
    assert_eq!(
        actions(&page),
        [
            "connection.disconnected ok",
            "cloud.server.created failed",
            "cloud.server.created unknown",
            "cloud.ssh_key.removed ok",
            "cloud.ssh_key.added ok",
            "cloud.server.deleted ok",
            "cloud.server.created ok",
            "connection.renamed ok",
            "connection.connected ok",
            "account.sign_in.password failed",
            "account.created ok",
        ]
    );
    let items = &page.items;
    let refused = &items[1];
    assert_eq!(refused.target_name.as_deref(), Some("taken"));
    assert!(
        refused
            .provider_request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "{refused:?}"
    );
    let created = &items[6];
    assert_eq!(created.target_name.as_deref(), Some("web-1"));
    assert_eq!(created.target_id.as_deref(), Some(server_id.as_str()));
    assert_eq!(created.connection_label.as_deref(), Some("Prod <b>"));
    assert!(
        created
            .provider_request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "{created:?}"
    );
    assert!(
        created
            .request_id
            .as_deref()
            .is_some_and(|id| id.len() >= 16),
        "{created:?}"
    );
    assert_eq!(items[9].client_address, "127.0.0.1");
    assert!(page.older.is_none());

    // Shown as text; the project page was the connection's, which is gone.
    let html = app.page("/account/activity", &cookie).await;
    assert!(
        html.contains("Server created: web-1") && html.contains("Prod &lt;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>") && !html.contains("<script>alert"));
    // Nothing secret is in the table: a token only ever reaches the connection's sealed columns.
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT action || coalesce(target_name, '') || coalesce(connection_label, '') FROM activity",
    )
    .fetch_all(&mut app.db().await)
    .await
    .unwrap();
    assert!(!format!("{rows:?}").contains(&project.read_write_token));
}

async fn filters_and_pages_keep_to_the_user(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let other = app.sign_up("mallory@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    for n in 0..30 {
        app.invoke(rename(&id, &format!("Prod {n}")), &cookie)
            .await
            .ok();
    }
    // 32 entries: a page of 25, then the rest, none twice.
    let first = activity(&app, &cookie, ALL).await;
    assert_eq!(first.items.len(), 25);
    assert_eq!(first.items[0].connection_label.as_deref(), Some("Prod 29"));
    let older = first.older.expect("a cursor to the next page");
    let next = ListActivity {
        older: Some(older.clone()),
        ..ALL
    };
    let second = activity(&app, &cookie, next).await;
    assert_eq!(actions(&second).len(), 7);
    assert_eq!(actions(&second).last().unwrap(), "account.created ok");
    assert!(second.older.is_none());
    let html = app
        .page(&format!("/account/activity?older={older}"), &cookie)
        .await;
    assert!(html.contains("Account created"), "{html}");

    let account_area = ListActivity {
        area: Some("account".into()),
        ..ALL
    };
    let cloud = activity(&app, &cookie, account_area).await;
    assert_eq!(actions(&cloud), ["account.created ok"]);
    let of_connection = || ListActivity {
        connection: Some(id.clone()),
        ..ALL
    };
    let this = activity(&app, &cookie, of_connection()).await;
    assert_eq!(this.items.len(), 25);
    // Another user's filter by this connection, a forged cursor or area: only their own.
    let theirs = activity(&app, &other, of_connection()).await;
    assert_eq!(actions(&theirs), Vec::<String>::new());
    let forged = ListActivity {
        connection: None,
        area: Some("' OR 1=1 --".into()),
        older: Some("x.y".into()),
        server: None,
    };
    let theirs = activity(&app, &other, forged).await;
    assert_eq!(actions(&theirs), ["account.created ok"]);
}

async fn a_failing_log_fails_no_request(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    let mut db = app.db().await;
    sqlx::query("ALTER TABLE activity RENAME TO activity_gone")
        .execute(&mut db)
        .await
        .unwrap();
    let renamed = app.invoke(rename(&id, "Renamed"), &cookie).await;
    assert_eq!(
        renamed.status,
        StatusCode::OK,
        "the rename stands without its log entry"
    );
    sqlx::query("ALTER TABLE activity_gone RENAME TO activity")
        .execute(&mut db)
        .await
        .unwrap();
    let page = activity(&app, &cookie, ALL).await;
    assert_eq!(
        actions(&page),
        ["connection.connected ok", "account.created ok"]
    );
}
