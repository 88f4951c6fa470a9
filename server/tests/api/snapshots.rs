//! Snapshots on a server's page (issue 33, first part): taken now by hand,
//! followed to the end, listed with their size and who took them (Potions'
//! label at Hetzner, its name mark at DigitalOcean), logged; a name that is
//! too long is refused before anything is sent.

use crate::server_page::{droplet_web_1, follow, hetzner_server, load, settled};
use crate::support::{
    location, path_of, Backend, DeleteSnapshot, RebuildServer, TakeSnapshot, TestApp,
    WithDigitalOcean, PASSWORD,
};
use app::error::{AppError, Refusal};
use model::snapshots::Origin;

on_both_databases!(a_hetzner_snapshot_is_taken_listed_and_logged);
on_both_backends!(a_droplet_snapshot_is_taken_and_listed_as_potions);

fn take(id: &str, server_id: i64, name: &str) -> TakeSnapshot {
    TakeSnapshot {
        id: id.into(),
        server_id,
        name: name.into(),
    }
}

async fn a_hetzner_snapshot_is_taken_listed_and_logged(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("No snapshot of this server yet"), "{page}");
    let long = "x".repeat(model::limits::SNAPSHOT_NAME_MAX + 1);
    let refused = app.invoke(take(&id, server_id, &long), &cookie).await;
    assert_eq!(
        refused.refused(),
        AppError(Refusal::InvalidServerRequest(vec!["snapshot name".into()]))
    );
    let sent = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/create_image"),
        )
    };
    assert_eq!(sent(), 0);

    // Without JavaScript: followed on the page.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("name", "before the upgrade"),
    ];
    let res = app
        .post_form(path_of::<TakeSnapshot>(), &page_path, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page_path}?snapshot=1&actions=")),
        "{to}"
    );
    let html = app.page(&to, &cookie).await;
    assert!(html.contains("Taking a snapshot"), "{html}");
    follow(&app, &cookie, &id, &to).await;
    let snapshots = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .snapshots;
    let snapshots = snapshots.expect("read");
    assert_eq!(snapshots.len(), 1);
    let snapshot = &snapshots[0];
    assert_eq!(snapshot.name, "before the upgrade");
    assert_eq!(snapshot.origin, Some(Origin::ByHand));
    assert!(!snapshot.creating);
    assert!(snapshot.size_gb.is_some_and(|size| size > 0.0));

    // Unnamed: the server's name and the date.
    app.invoke(take(&id, server_id, "  "), &cookie).await.ok();
    let snapshots = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .snapshots
        .unwrap();
    assert!(
        snapshots.iter().any(|s| s.name.starts_with("db-1 20")),
        "{snapshots:?}"
    );
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.taken' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 2);

    // Restoring: the rebuild menu offers the server's snapshots first, once made.
    settled(&app, &cookie, &id, server_id).await;
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    let restore = &overview.rebuild_choices[0];
    assert!(restore.description.starts_with("Snapshot: "), "{restore:?}");
    let rebuild = RebuildServer {
        id: id.clone(),
        server_id,
        image: restore.id,
        name: Some("db-1".into()),
        password: Some(PASSWORD.into()),
        code: None,
        snapshot_first: false,
    };
    app.invoke(rebuild, &cookie).await.ok();
    let sent: Vec<_> = app
        .fake
        .exchanges()
        .into_iter()
        .filter(|exchange| exchange.path.ends_with("/actions/rebuild") && exchange.status == 201)
        .collect();
    assert_eq!(sent.len(), 1, "restored from the snapshot");

    // Deleting one asks again, and only for this server's snapshots.
    let before = &snapshots
        .iter()
        .find(|s| s.name == "before the upgrade")
        .unwrap();
    let delete = |snapshot_id: i64, name: &str, password: &str| DeleteSnapshot {
        id: id.clone(),
        server_id: Some(server_id),
        snapshot_id,
        name: Some(name.into()),
        password: Some(password.into()),
        code: None,
    };
    let deletes = || app.fake.request_count("DELETE", "/v1/images/");
    let misnamed = app
        .invoke(delete(before.id, "before", PASSWORD), &cookie)
        .await;
    assert_eq!(misnamed.refused(), AppError(Refusal::ConfirmationMismatch));
    let unproven = app
        .invoke(delete(before.id, "before the upgrade", "no"), &cookie)
        .await;
    assert_eq!(unproven.refused(), AppError(Refusal::WrongPassword));
    let system_image = app.invoke(delete(161_547_269, "", PASSWORD), &cookie).await;
    assert_eq!(
        system_image.refused(),
        AppError(Refusal::InvalidServerRequest(vec!["snapshot".into()])),
        "not this server's: refused before asking again"
    );
    assert_eq!(deletes(), 0);
    app.invoke(delete(before.id, "before the upgrade", PASSWORD), &cookie)
        .await
        .ok();
    let left = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .snapshots
        .unwrap();
    assert!(
        left.iter().all(|s| s.id != before.id) && left.len() == 1,
        "{left:?}"
    );
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.deleted' \
                  AND outcome = 'ok'";
    assert_eq!(app.count(logged).await, 1);
}

async fn a_droplet_snapshot_is_taken_and_listed_as_potions(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    w.app
        .invoke(take(&id, server_id, "nightly"), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let snapshots = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .snapshots
        .unwrap();
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert_eq!(snapshots[0].name, "nightly", "Potions' mark is not shown");
    assert_eq!(snapshots[0].origin, Some(Origin::ByHand));
    let restore = RebuildServer {
        id: id.clone(),
        server_id,
        image: snapshots[0].id,
        name: Some("web-1".into()),
        password: Some(PASSWORD.into()),
        code: None,
        snapshot_first: false,
    };
    w.app.invoke(restore, &cookie).await.ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let delete = DeleteSnapshot {
        id: id.clone(),
        server_id: Some(server_id),
        snapshot_id: snapshots[0].id,
        name: Some("nightly".into()),
        password: Some(PASSWORD.into()),
        code: None,
    };
    w.app.invoke(delete, &cookie).await.ok();
    let left = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .snapshots
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}
