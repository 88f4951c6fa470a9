//! A connection's snapshots (issue 33): every snapshot of the project with
//! the server it came from and what it costs a month; a new server made from
//! one, only on a type whose disk holds it and of its architecture; one left
//! by a deleted server deleted from the project's page, asked again.

use crate::server_page::{droplet_web_1, load};
use crate::support::{
    location, path_of, Backend, CreateServer, DeleteSnapshot, ListSnapshots,
    LoadCreateServerChoices, TakeSnapshot, TestApp, WithDigitalOcean, PASSWORD,
};
use app::error::{AppError, Refusal};
use model::provisioning::Snapshot;

on_both_databases!(the_project_lists_its_snapshots_and_makes_servers_from_them);
on_both_backends!(
    a_droplet_is_made_from_a_team_snapshot_in_its_region,
    a_team_connected_before_snapshot_read_is_asked_to_reconnect_for_the_list,
);

async fn finished(app: &TestApp, cookie: &str, id: &str) -> Vec<Snapshot> {
    for _ in 0..200 {
        let list = ListSnapshots { id: id.into() };
        let snapshots = app.invoke(list, cookie).await.ok().snapshots;
        if !snapshots.is_empty() && snapshots.iter().all(|s| !s.creating) {
            return snapshots;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no finished snapshot");
}

fn create(id: &str, name: &str, size: &str, image: i64) -> CreateServer {
    CreateServer {
        id: id.into(),
        name: name.into(),
        location: "fsn1".into(),
        server_type: size.into(),
        image,
        ssh_keys: Vec::new(),
    }
}

async fn the_project_lists_its_snapshots_and_makes_servers_from_them(app: TestApp) {
    let cookie = app.sign_up("ada@example.com").await;
    let project = app.fake.add_project("p");
    let id = app
        .connect_ok(&cookie, "Prod", &project.read_write_token)
        .await;
    let server_id = app
        .fake
        .seed_server(&project, "db-1", "ccx13", "fsn1")
        .unwrap();
    let take = TakeSnapshot {
        id: id.clone(),
        server_id,
        name: "golden".into(),
    };
    app.invoke(take, &cookie).await.ok();
    let snapshots = finished(&app, &cookie, &id).await;
    let golden = &snapshots[0];
    assert_eq!(golden.from_server.as_deref(), Some("db-1"));
    assert_eq!(golden.min_disk_gb, Some(80.0));
    let size = golden.size_gb.expect("made");
    let cost = golden.monthly_cost.expect("Hetzner prices snapshots");
    assert!(
        (cost - size * 0.0119 * 1.19).abs() < 1e-6,
        "{cost} for {size} GB"
    );
    let page = app
        .page(&format!("/projects/{id}/snapshots"), &cookie)
        .await;
    assert!(
        page.contains("Every snapshot in this project") && page.contains("golden"),
        "{page}"
    );
    assert!(
        page.contains("€") && page.contains("Potions, by hand"),
        "{page}"
    );
    let server_page = app.invoke(load(&id, server_id), &cookie).await.ok();
    assert_eq!(server_page.snapshots.unwrap()[0].monthly_cost, Some(cost));

    // The create form offers it beside the system images.
    let choices = LoadCreateServerChoices { id: id.clone() };
    let images = app.invoke(choices, &cookie).await.ok().catalogue.images;
    let offered = images.iter().find(|i| i.id == golden.id).expect("offered");
    assert_eq!(offered.description, "Snapshot: golden (needs a 80 GB disk)");

    let creates = || app.fake.request_count("POST", "/v1/servers");
    let before = creates();
    for small_or_arm in ["cx22", "cax21"] {
        let refused = app
            .invoke(create(&id, "from-golden", small_or_arm, golden.id), &cookie)
            .await
            .refused();
        assert_eq!(
            refused,
            AppError(Refusal::InvalidServerRequest(vec!["image".into()]))
        );
    }
    assert_eq!(
        creates(),
        before,
        "nothing sent for a type that cannot hold it"
    );
    let form = [
        ("id", id.as_str()),
        ("name", "from-golden"),
        ("location", "fsn1"),
        ("server_type", "ccx13"),
        ("image", &golden.id.to_string()),
    ];
    let res = app
        .post_form(
            path_of::<CreateServer>(),
            &format!("/projects/{id}"),
            &form,
            Some(&cookie),
        )
        .await;
    assert!(location(&res).contains("watch="), "{}", location(&res));
    assert_eq!(app.fake.server_names(&project), ["db-1", "from-golden"]);

    // A snapshot is deleted from the project's page, asked again.
    let delete = DeleteSnapshot {
        id: id.clone(),
        server_id: None,
        snapshot_id: golden.id,
        name: Some("golden".into()),
        password: Some(PASSWORD.into()),
        code: None,
    };
    let res = app.invoke(delete, &cookie).await;
    assert!(res.result.is_ok(), "deleted");
    let list = ListSnapshots { id: id.clone() };
    assert!(app.invoke(list, &cookie).await.ok().snapshots.is_empty());
}

async fn a_droplet_is_made_from_a_team_snapshot_in_its_region(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let take = TakeSnapshot {
        id: id.clone(),
        server_id,
        name: "golden".into(),
    };
    w.app.invoke(take, &cookie).await.ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let snapshots = w
        .app
        .invoke(ListSnapshots { id: id.clone() }, &cookie)
        .await
        .ok();
    let golden = &snapshots.snapshots[0];
    assert_eq!(golden.from_server.as_deref(), Some("web-1"));
    assert_eq!(golden.locations.as_deref(), Some(&["fra1".to_string()][..]));
    let cost = golden.monthly_cost.expect("priced");
    assert!((cost - golden.size_gb.unwrap() * 0.06).abs() < 1e-9);
    let elsewhere = CreateServer {
        location: "nyc3".into(),
        ..create(&id, "web-2", "s-1vcpu-1gb", golden.id)
    };
    let refused = w.app.invoke(elsewhere, &cookie).await.refused();
    assert_eq!(
        refused,
        AppError(Refusal::InvalidServerRequest(vec!["image".into()]))
    );
    let here = CreateServer {
        location: "fra1".into(),
        ..create(&id, "web-2", "s-1vcpu-1gb", golden.id)
    };
    w.app.invoke(here, &cookie).await.ok();
}

/// A grant without `snapshot:read`: the project's list asks to Reconnect;
/// the create form still offers the system images; after a Reconnect the
/// list reads.
async fn a_team_connected_before_snapshot_read_is_asked_to_reconnect_for_the_list(
    backend: Backend,
) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, _) = droplet_web_1(&w).await;
    assert_eq!(w.fake.withdraw_scope("snapshot:read"), 1);
    let list = || ListSnapshots { id: id.clone() };
    let refused = w.app.invoke(list(), &cookie).await.refused();
    assert_eq!(refused, AppError(Refusal::DigitalOceanNeedsMoreAccess));
    let choices = LoadCreateServerChoices { id: id.clone() };
    let images = w.app.invoke(choices, &cookie).await.ok().catalogue.images;
    assert!(
        !images.is_empty()
            && images
                .iter()
                .all(|i| !i.description.starts_with("Snapshot"))
    );
    w.connect_team_with(&cookie, "Acme", &id).await;
    assert!(w
        .app
        .invoke(list(), &cookie)
        .await
        .ok()
        .snapshots
        .is_empty());
}
