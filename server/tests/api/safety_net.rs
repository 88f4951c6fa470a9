//! The safety net (issue 33): a resize, rebuild or delete with "Take a
//! snapshot first" waits for that snapshot, then runs; a snapshot that
//! cannot be taken stops the step; the activity log links the two; a
//! droplet deleted behind one leaves its snapshot, as DigitalOcean does.

use crate::server_page::{droplet_web_1, follow, hetzner_server, load};
use crate::support::{
    location, path_of, Backend, DeleteServer, ListSnapshots, LoadProject, PowerServer,
    ResizeServer, TestApp, WithDigitalOcean,
};
use app::error::{AppError, Refusal};
use hetzner_fake::Fault;
use model::snapshots::Origin;

on_both_databases!(
    a_resize_waits_for_the_snapshot_before_it,
    a_delete_that_cannot_have_its_snapshot_does_not_run,
);
on_both_backends!(a_droplet_deleted_behind_its_safety_net_leaves_its_snapshot);

/// Waits until `done` holds, reading the server's page between looks.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

async fn a_resize_waits_for_the_snapshot_before_it(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "app-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let server = server_id.to_string();
    let off = [
        ("id", id.as_str()),
        ("server_id", &server),
        ("action", "shut_down"),
    ];
    let res = app
        .post_form(path_of::<PowerServer>(), &page_path, &off, Some(&cookie))
        .await;
    follow(&app, &cookie, &id, &location(&res)).await;
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("Take a snapshot first"), "{page}");

    let form = [
        ("id", id.as_str()),
        ("server_id", &server),
        ("size", "ccx13"),
        ("snapshot_first", "true"),
    ];
    let res = app
        .post_form(path_of::<ResizeServer>(), &page_path, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page_path}?snapshot=1&actions=")),
        "{to}"
    );
    let page = app.page(&to, &cookie).await;
    assert!(
        page.contains("A snapshot is being taken first; the resize follows"),
        "{page}"
    );
    let exchanges = || app.fake.exchanges();
    let sent = |action: &str| {
        let path = format!("/v1/servers/{server_id}/actions/{action}");
        exchanges()
            .iter()
            .position(|e| e.method == "POST" && e.path == path && e.status == 201)
    };
    until("the resize", || sent("change_type").is_some()).await;
    assert!(
        sent("create_image") < sent("change_type"),
        "the snapshot came first"
    );
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    let snapshots = overview.snapshots.expect("read");
    assert_eq!(snapshots.len(), 1);
    assert_eq!(snapshots[0].origin, Some(Origin::SafetyNet));
    assert!(
        snapshots[0].name.starts_with("app-1 before its resize"),
        "{snapshots:?}"
    );
    let linked = "SELECT COUNT(DISTINCT request_id) FROM activity WHERE action IN \
                  ('cloud.snapshot.safety_net', 'cloud.server.resized') AND outcome = 'ok' \
                  AND request_id IS NOT NULL";
    let both = "SELECT COUNT(*) FROM activity WHERE action IN \
                ('cloud.snapshot.safety_net', 'cloud.server.resized') AND outcome = 'ok'";
    for _ in 0..100 {
        if app.count(both).await == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.count(both).await, 2);
    assert_eq!(app.count(linked).await, 1, "one request id links the two");

    // Settled rows are forgotten after a day, not before.
    let settled = "SELECT COUNT(*) FROM safety_nets WHERE state = 'done'";
    assert_eq!(app.count(settled).await, 1);
    assert_eq!(app.safety_nets.purge_settled().await.unwrap(), 0);
    let day_ago = domain::clock::now_unix() - 24 * 3600 - 1;
    sqlx::query(&format!("UPDATE safety_nets SET updated_at = {day_ago}"))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(app.safety_nets.purge_settled().await.unwrap(), 1);
    assert_eq!(app.count(settled).await, 0);
}

async fn a_delete_that_cannot_have_its_snapshot_does_not_run(app: TestApp) {
    let (cookie, project, id, server_id) = hetzner_server(&app, "app-1").await;
    let path = format!("/v1/servers/{server_id}/actions/create_image");
    app.fake
        .inject(Fault::error(422, "resource_limit_exceeded").on("POST", &path));
    let delete = DeleteServer {
        id: id.clone(),
        server_id,
        confirm_name: "app-1".into(),
        snapshot_first: true,
    };
    let refused = app.invoke(delete.clone(), &cookie).await.refused();
    assert_eq!(
        refused,
        AppError(Refusal::HetznerProjectLimitReached),
        "the snapshot's refusal is the answer"
    );
    let mistyped = DeleteServer {
        confirm_name: "app-2".into(),
        ..delete
    };
    let refused = app.invoke(mistyped, &cookie).await.refused();
    assert_eq!(refused, AppError(Refusal::ConfirmationMismatch));
    assert_eq!(
        app.fake.request_count("POST", &path),
        1,
        "a mistyped name takes no snapshot"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM safety_nets").await,
        0,
        "nothing waits: no snapshot, no delete"
    );
    assert_eq!(app.fake.server_names(&project), ["app-1"]);
    let failed = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.safety_net' \
                  AND outcome = 'failed'";
    assert_eq!(app.count(failed).await, 1);
}

async fn a_droplet_deleted_behind_its_safety_net_leaves_its_snapshot(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let delete = DeleteServer {
        id: id.clone(),
        server_id,
        confirm_name: "web-1".into(),
        snapshot_first: true,
    };
    w.app.invoke(delete, &cookie).await.ok();
    let project = || LoadProject { id: id.clone() };
    let servers = w.app.invoke(project(), &cookie).await.ok().servers;
    assert_eq!(servers.len(), 1, "the droplet waits for its snapshot");
    // The snapshot's action completes on the fake's clock; the instance that
    // took it looks every two seconds.
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let mut gone = false;
    for _ in 0..100 {
        if w.app
            .invoke(project(), &cookie)
            .await
            .ok()
            .servers
            .is_empty()
        {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "the delete ran once the snapshot was made");
    let list = w
        .app
        .invoke(ListSnapshots { id: id.clone() }, &cookie)
        .await
        .ok();
    assert_eq!(
        list.snapshots.len(),
        1,
        "DigitalOcean keeps a deleted droplet's snapshots"
    );
    assert_eq!(list.snapshots[0].origin, Some(Origin::SafetyNet));
    assert!(list.snapshots[0]
        .name
        .starts_with("web-1 before its deletion"));
}
