//! Snapshot schedules (issue 33): set on a server's page, run once per due
//! time however many instances look, keeping the newest N of their own
//! snapshots and never one they did not take; failures are shown and the
//! next slot still runs; a connection that needs attention stops its runs
//! until it is fixed; a server gone takes its schedule with it.

use crate::server_page::{droplet_web_1, hetzner_server, load, settled};
use crate::support::{
    location, path_of, Backend, RemoveSnapshotSchedule, ReplaceToken, SetSnapshotSchedule,
    TakeSnapshot, TestApp, WithDigitalOcean,
};
use hetzner_fake::{Fault, FaultKind, Permission};
use model::provisioning::Snapshot;
use model::snapshots::Origin;

on_both_databases!(
    a_schedule_runs_once_per_due_time_and_keeps_its_newest_own,
    a_failed_run_is_shown_and_the_next_slot_still_runs,
    an_instance_killed_mid_run_does_not_block_the_next_run,
    a_connection_that_needs_attention_stops_runs_until_fixed,
    a_server_gone_takes_its_schedule_with_it,
);
on_both_backends!(a_droplet_schedule_keeps_its_own_by_their_mark);

const DAY: i64 = 24 * 3600;

/// An hour far from now, so that no slot falls while the test runs.
fn distant_hour() -> u8 {
    let hour_now = (domain::clock::now_unix() / 3600) % 24;
    u8::try_from((hour_now + 12) % 24).unwrap()
}

/// Sets the schedule as a browser without JavaScript does; answers its
/// first due time.
async fn schedule(app: &TestApp, cookie: &str, id: &str, server_id: i64, keep: &str) -> i64 {
    let page = format!("/projects/{id}/servers/{server_id}");
    let form = [
        ("id", id),
        ("server_id", &server_id.to_string()),
        ("day", "daily"),
        ("hour", &distant_hour().to_string()),
        ("keep", keep),
    ];
    let res = app
        .post_form(path_of::<SetSnapshotSchedule>(), &page, &form, Some(cookie))
        .await;
    assert_eq!(location(&res), page);
    let overview = app.invoke(load(id, server_id), cookie).await.ok();
    overview.schedule.expect("scheduled").next_run_at
}

fn scheduled(snapshots: &[Snapshot]) -> Vec<&Snapshot> {
    snapshots
        .iter()
        .filter(|s| matches!(s.origin, Some(Origin::Schedule(_))))
        .collect()
}

async fn a_schedule_runs_once_per_due_time_and_keeps_its_newest_own(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let by_hand = TakeSnapshot {
        id: id.clone(),
        server_id,
        name: "by hand".into(),
    };
    app.invoke(by_hand, &cookie).await.ok();
    settled(&app, &cookie, &id, server_id).await;
    let first = schedule(&app, &cookie, &id, server_id, "2").await;
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    let hour = format!("{:02}:00 UTC, keeping 2", distant_hour());
    assert!(page.contains(&format!("Every day at {hour}")), "{page}");
    assert!(page.contains("Next run: "), "{page}");
    let taken = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/create_image"),
        )
    };
    assert_eq!(
        app.schedules.run_due(first - 1).await.unwrap(),
        0,
        "not due yet"
    );
    assert_eq!(taken(), 1);

    // Two instances look at the same due time: one snapshot.
    let other = app.second_instance_schedules().await;
    for slot in 0..4 {
        let due = first + slot * DAY;
        let (a, b) = tokio::join!(app.schedules.run_due(due), other.run_due(due));
        assert_eq!(a.unwrap() + b.unwrap(), 1, "slot {slot} ran once");
        assert_eq!(app.schedules.run_due(due).await.unwrap(), 0, "claimed");
        settled(&app, &cookie, &id, server_id).await;
    }
    assert_eq!(taken(), 5);
    let snapshots = settled(&app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 2, "{snapshots:?}");
    assert!(
        snapshots.iter().any(|s| s.name == "by hand"),
        "retention never deletes what the schedule did not take"
    );
    let expired = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.expired' \
                   AND outcome = 'ok'";
    assert_eq!(app.count(expired).await, 2);
    let runs = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.scheduled' \
                AND outcome = 'ok' AND client_address = 'Potions'' snapshot schedule'";
    assert_eq!(app.count(runs).await, 4);

    // Missed slots (every instance down for three days) run once on return.
    let late = first + 7 * DAY;
    assert_eq!(app.schedules.run_due(late).await.unwrap(), 1);
    assert_eq!(app.schedules.run_due(late).await.unwrap(), 0);
    let next = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .schedule
        .unwrap()
        .next_run_at;
    assert_eq!(next, first + 8 * DAY);

    // Off: nothing runs any more; its snapshots stay.
    let off = RemoveSnapshotSchedule {
        id: id.clone(),
        server_id,
    };
    app.invoke(off, &cookie).await.ok();
    assert_eq!(app.schedules.run_due(first + 30 * DAY).await.unwrap(), 0);
    let snapshots = settled(&app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 2);
}

async fn a_failed_run_is_shown_and_the_next_slot_still_runs(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let first = schedule(&app, &cookie, &id, server_id, "3").await;
    let path = format!("/v1/servers/{server_id}/actions/create_image");
    app.fake
        .inject(Fault::error(503, "unavailable").on("POST", &path));
    assert_eq!(app.schedules.run_due(first).await.unwrap(), 1);
    assert_eq!(app.fake.request_count("POST", &path), 1, "not hammered");
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("failed: Potions couldn't reach Hetzner"),
        "{page}"
    );
    let failed = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.scheduled' \
                  AND outcome = 'unknown'";
    assert_eq!(app.count(failed).await, 1);

    // The project's quota reached: said, and the next slot still runs.
    app.fake
        .inject(Fault::error(403, "resource_limit_exceeded").on("POST", &path));
    assert_eq!(app.schedules.run_due(first + DAY).await.unwrap(), 1);
    let schedule = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .schedule
        .unwrap();
    let quota = schedule.last_failure.expect("recorded");
    assert!(quota.contains("limit at Hetzner"), "{quota}");

    assert_eq!(app.schedules.run_due(first + 2 * DAY).await.unwrap(), 1);
    let schedule = app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .schedule
        .unwrap();
    assert_eq!(schedule.last_failure, None, "a good run clears it");
    let snapshots = settled(&app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 1);
}

async fn an_instance_killed_mid_run_does_not_block_the_next_run(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let first = schedule(&app, &cookie, &id, server_id, "3").await;
    let path = format!("/v1/servers/{server_id}/actions/create_image");
    app.fake
        .inject(Fault::new(FaultKind::Hang).on("POST", &path));
    let dying = app.second_instance_schedules().await;
    let run = tokio::spawn(async move { dying.run_due(first).await });
    let claimed = format!(
        "SELECT COUNT(*) FROM snapshot_schedules WHERE next_run_at = {}",
        first + DAY
    );
    for _ in 0..200 {
        if app.count(&claimed).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        app.count(&claimed).await,
        1,
        "the dying instance claimed it"
    );
    run.abort();
    assert_eq!(
        app.schedules.run_due(first).await.unwrap(),
        0,
        "that slot is taken"
    );
    app.fake.clear_faults();
    assert_eq!(app.schedules.run_due(first + DAY).await.unwrap(), 1);
    let snapshots = settled(&app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 1);
}

async fn a_connection_that_needs_attention_stops_runs_until_fixed(app: TestApp) {
    let (cookie, project, id, server_id) = hetzner_server(&app, "db-1").await;
    let first = schedule(&app, &cookie, &id, server_id, "3").await;
    app.fake.revoke_token(&project.read_write_token);
    assert_eq!(app.schedules.run_due(first).await.unwrap(), 1);
    let calls = || app.fake.request_count("GET", "/v1/") + app.fake.request_count("POST", "/v1/");
    let before = calls();
    assert_eq!(app.schedules.run_due(first + DAY).await.unwrap(), 1);
    assert_eq!(calls(), before, "no call while the token is refused");
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("rejected this project"),
        "the page says why: {page}"
    );
    let (why,): (String,) = sqlx::query_as("SELECT last_failure FROM snapshot_schedules")
        .fetch_one(&mut app.db().await)
        .await
        .unwrap();
    assert!(
        why.starts_with("Hetzner rejected this project's token"),
        "{why}"
    );

    let replacement = app.fake.add_token(&project, Permission::ReadWrite);
    let form = [("id", id.as_str()), ("token", replacement.as_str())];
    let project_page = format!("/projects/{id}");
    app.post_form(
        path_of::<ReplaceToken>(),
        &project_page,
        &form,
        Some(&cookie),
    )
    .await;
    assert_eq!(app.schedules.run_due(first + 2 * DAY).await.unwrap(), 1);
    let snapshots = settled(&app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 1, "runs resume after the fix");
}

async fn a_server_gone_takes_its_schedule_with_it(app: TestApp) {
    let (cookie, project, id, server_id) = hetzner_server(&app, "db-1").await;
    schedule(&app, &cookie, &id, server_id, "3").await;
    assert_eq!(
        app.schedules.run_due_now().await.unwrap(),
        0,
        "not due by the database's clock"
    );
    // Due an hour ago by the database's clock, which every instance reads.
    let hour_ago = domain::clock::now_unix() - 3600;
    sqlx::query(&format!(
        "UPDATE snapshot_schedules SET next_run_at = {hour_ago}"
    ))
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let token = project.read_write_token.clone();
    let deleted = reqwest::Client::new()
        .delete(format!("{}/servers/{server_id}", app.fake.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());
    assert_eq!(app.schedules.run_due_now().await.unwrap(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM snapshot_schedules").await,
        0
    );
    let taken = format!("/v1/servers/{server_id}/actions/create_image");
    assert_eq!(app.fake.request_count("POST", &taken), 0);
    let failed = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.snapshot.scheduled' \
                  AND outcome = 'failed' AND target_name = 'db-1'";
    assert_eq!(
        app.count(failed).await,
        1,
        "the activity log says why it stopped"
    );
}

async fn a_droplet_schedule_keeps_its_own_by_their_mark(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let by_hand = TakeSnapshot {
        id: id.clone(),
        server_id,
        name: "by hand".into(),
    };
    w.app.invoke(by_hand, &cookie).await.ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let first = schedule(&w.app, &cookie, &id, server_id, "1").await;
    for slot in 0..3 {
        assert_eq!(
            w.app.schedules.run_due(first + slot * DAY).await.unwrap(),
            1
        );
        w.fake.advance_clock(std::time::Duration::from_secs(1));
    }
    let snapshots = settled(&w.app, &cookie, &id, server_id).await;
    assert_eq!(scheduled(&snapshots).len(), 1, "{snapshots:?}");
    assert!(snapshots
        .iter()
        .any(|s| s.name == "by hand" && s.origin == Some(Origin::ByHand)));
}
