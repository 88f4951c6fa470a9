//! Changes to a server's setup on its page: the provider's backups (their
//! price shown; off asks again, and nothing is sent until the name and the
//! password are right), a resize (only types or sizes sold where the
//! server is whose disk holds its disk, with the server off, followed to
//! the end and logged) and a rebuild (asked again, its root password shown
//! once and kept nowhere), on Hetzner and DigitalOcean alike; and what
//! asking again wants with an authenticator.

use crate::second_factor::{begin, code, wrong_codes};
use crate::server_page::{droplet_web_1, follow, hetzner_server, load};
use crate::support::{
    location, path_of, Backend, ConfirmTotp, PowerServer, RebuildServer, ResizeServer, SetRescue,
    SetServerBackups, TestApp, WithDigitalOcean, PASSWORD,
};
use app::error::{AppError, Refusal};
use model::provisioning::PowerAction;
use model::AskAgain;

on_both_databases!(
    hetzner_backups_cost_a_fifth_and_off_asks_again,
    a_hetzner_server_is_resized_off_within_what_fits,
    with_an_authenticator_asking_again_wants_a_fresh_code_unless_checked_recently,
    a_rebuild_asks_again_and_its_root_password_is_shown_once_and_kept_nowhere,
    rescue_boots_with_the_potions_key_and_its_password_is_kept_nowhere,
    faults_mid_action_read_clearly_and_no_post_is_sent_twice,
);
on_both_backends!(
    droplet_backups_are_weekly,
    a_droplet_is_resized_off_and_its_disk_grows_on_request,
    a_droplet_is_rebuilt_from_another_image,
    a_droplet_has_no_rescue_system_and_says_so,
    a_team_connected_before_droplet_update_is_asked_to_reconnect_for_it,
);

fn backups(id: &str, server_id: i64, on: bool, name: &str, password: &str) -> SetServerBackups {
    SetServerBackups {
        id: id.into(),
        server_id,
        on,
        name: Some(name.into()),
        password: Some(password.into()),
        code: None,
    }
}

fn backups_off_with_code(id: &str, server_id: i64, name: &str, code: &str) -> SetServerBackups {
    SetServerBackups {
        code: Some(code.into()),
        ..backups(id, server_id, false, name, "")
    }
}

fn resize(id: &str, server_id: i64, size: &str, grow_disk: bool) -> ResizeServer {
    ResizeServer {
        id: id.into(),
        server_id,
        size: size.into(),
        grow_disk,
        snapshot_first: false,
    }
}

fn power(id: &str, server_id: i64, action: PowerAction) -> PowerServer {
    PowerServer {
        id: id.into(),
        server_id,
        action,
    }
}

async fn hetzner_backups_cost_a_fifth_and_off_asks_again(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    let price = overview
        .details
        .monthly_price
        .expect("cx22 is sold in fsn1");
    let page = app.page(&page_path, &cookie).await;
    let fifth = format!("€{:.2}/month (20 % of the server's price)", price * 0.2);
    assert!(
        page.contains("Turn backups on") && page.contains(&fifth),
        "{page}"
    );

    app.invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    assert!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .backups
    );
    let page = app.page(&page_path, &cookie).await;
    assert!(
        page.contains("deletes every backup Hetzner holds") && page.contains("Turn backups off"),
        "{page}"
    );

    let sent = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/disable_backup"),
        )
    };
    let misnamed = app
        .invoke(backups(&id, server_id, false, "db-2", PASSWORD), &cookie)
        .await;
    assert_eq!(misnamed.refused(), AppError(Refusal::ConfirmationMismatch));
    let unproven = app
        .invoke(backups(&id, server_id, false, "db-1", "not it"), &cookie)
        .await;
    assert_eq!(unproven.refused(), AppError(Refusal::WrongPassword));
    let mallory = app.sign_up("mallory@example.com").await;
    let theirs = app
        .invoke(backups(&id, server_id, false, "db-1", PASSWORD), &mallory)
        .await;
    assert_eq!(theirs.refused(), AppError(Refusal::ConnectionNotFound));
    assert_eq!(
        sent(),
        0,
        "nothing sent before the name and the password are right"
    );

    // Without JavaScript: the form posts, the browser lands on the page.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("on", "false"),
        ("name", "db-1"),
        ("password", PASSWORD),
    ];
    let res = app
        .post_form(
            path_of::<SetServerBackups>(),
            &page_path,
            &form,
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), page_path);
    assert_eq!(sent(), 1);
    assert!(
        !app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .backups
    );
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.backups_changed' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 2);
}

async fn a_hetzner_server_is_resized_off_within_what_fits(app: TestApp) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "app-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let change_types = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/change_type"),
        )
    };
    // Running: the card offers to shut it down first, and a resize is refused here.
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("Shut down first"), "{page}");
    let running = app
        .invoke(resize(&id, server_id, "ccx13", false), &cookie)
        .await;
    assert_eq!(
        running.refused(),
        AppError(Refusal::ServerStateDoesNotAllow)
    );

    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("action", "shut_down"),
    ];
    let res = app
        .post_form(path_of::<PowerServer>(), &page_path, &form, Some(&cookie))
        .await;
    follow(&app, &cookie, &id, &location(&res)).await;
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    assert_eq!(overview.details.server.status, "off");
    let choices: Vec<&str> = overview
        .resize_choices
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    // Sold in fsn1, x86 like cx22, a disk of 40 GB or more; not itself.
    assert_eq!(choices, ["cpx11", "ccx13"]);
    assert!(overview
        .resize_choices
        .iter()
        .all(|s| s.prices.len() == 1 && s.prices[0].location == "fsn1"));
    let page = app.page(&page_path, &cookie).await;
    assert!(
        page.contains("Grow the disk too") && page.contains("+€"),
        "{page}"
    );

    for (size, why) in [
        ("cax11", "arm"),
        ("cx11", "no longer sold"),
        ("cx22", "itself"),
        ("x", "unknown"),
    ] {
        let refused = app
            .invoke(resize(&id, server_id, size, false), &cookie)
            .await;
        assert_eq!(
            refused.refused(),
            AppError(Refusal::InvalidServerRequest(vec!["server_type".into()])),
            "{why}"
        );
    }
    assert_eq!(change_types(), 0, "nothing sent that does not fit");

    // Without JavaScript, followed to the end; the disk is kept.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("size", "ccx13"),
    ];
    let res = app
        .post_form(path_of::<ResizeServer>(), &page_path, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page_path}?resized=1&actions=")),
        "{to}"
    );
    let html = app.page(&to, &cookie).await;
    assert!(html.contains("Resizing"), "{html}");
    follow(&app, &cookie, &id, &to).await;
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert_eq!(
        (details.server.size.as_str(), details.disk_gb),
        ("ccx13", 40.0)
    );
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.resized' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 1);

    // Hetzner starts it again; off once more, the kept disk still allows cx22,
    // and growing the disk to 80 GB rules it out.
    let off = app
        .invoke(power(&id, server_id, PowerAction::PowerOff), &cookie)
        .await;
    off.ok();
    follow_until_off(&app, &cookie, &id, server_id).await;
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    assert!(overview.resize_choices.iter().any(|s| s.name == "cx22"));
    let res = app
        .post_form(
            path_of::<ResizeServer>(),
            &page_path,
            &[
                ("id", id.as_str()),
                ("server_id", &server_id.to_string()),
                ("size", "cx22"),
                ("grow_disk", "true"),
            ],
            Some(&cookie),
        )
        .await;
    follow(&app, &cookie, &id, &location(&res)).await;
    assert_eq!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .server
            .size,
        "cx22"
    );
}

/// Waits until the server reads off (a power action's end).
async fn follow_until_off(app: &TestApp, cookie: &str, id: &str, server_id: i64) {
    wait_for_status(app, cookie, id, server_id, "off").await;
}

/// Waits until the server reads `wanted` (an action's end).
async fn wait_for_status(app: &TestApp, cookie: &str, id: &str, server_id: i64, wanted: &str) {
    for _ in 0..100 {
        let overview = app.invoke(load(id, server_id), cookie).await.ok();
        if overview.details.server.status == wanted {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server never read {wanted}");
}

async fn droplet_backups_are_weekly(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let page = w.app.page(&page_path, &cookie).await;
    assert!(
        page.contains("weekly, kept four weeks") && page.contains("$1.20/month"),
        "{page}"
    );
    w.app
        .invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    assert!(
        w.app
            .invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .backups
    );
    let unproven = w
        .app
        .invoke(backups(&id, server_id, false, "web-1", "not it"), &cookie)
        .await;
    assert_eq!(unproven.refused(), AppError(Refusal::WrongPassword));
    w.app
        .invoke(backups(&id, server_id, false, "web-1", PASSWORD), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    assert!(
        !w.app
            .invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .backups
    );
}

async fn a_droplet_is_resized_off_and_its_disk_grows_on_request(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let active = w
        .app
        .invoke(resize(&id, server_id, "s-2vcpu-2gb", false), &cookie)
        .await;
    assert_eq!(active.refused(), AppError(Refusal::ServerStateDoesNotAllow));
    w.app
        .invoke(power(&id, server_id, PowerAction::PowerOff), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let overview = w.app.invoke(load(&id, server_id), &cookie).await.ok();
    let choices: Vec<&str> = overview
        .resize_choices
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(
        choices.contains(&"s-2vcpu-2gb")
            && choices.contains(&"c-2")
            && !choices.contains(&"s-1vcpu-1gb"),
        "{choices:?}"
    );
    assert!(
        !choices.contains(&"s-1vcpu-512mb-10gb"),
        "a 10 GB disk cannot hold 25 GB"
    );
    w.app
        .invoke(resize(&id, server_id, "s-2vcpu-2gb", true), &cookie)
        .await
        .ok();
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let overview = w.app.invoke(load(&id, server_id), &cookie).await.ok();
    let details = &overview.details;
    assert_eq!(
        (
            details.server.size.as_str(),
            details.disk_gb,
            details.server.status.as_str()
        ),
        ("s-2vcpu-2gb", 60.0, "off")
    );
    let choices: Vec<&str> = overview
        .resize_choices
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(
        !choices.contains(&"c-2") && !choices.contains(&"s-1vcpu-1gb"),
        "{choices:?}"
    );
}

/// With an authenticator, a step that takes a safety net away wants a code
/// from it (or a recovery code) instead of the password, unless this
/// session checked one in the last five minutes; a mistyped name uses up no
/// code, a wrong or used code sends nothing.
async fn with_an_authenticator_asking_again_wants_a_fresh_code_unless_checked_recently(
    app: TestApp,
) {
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let secret = begin(&app, &cookie).await;
    let confirm = ConfirmTotp {
        code: code(&secret, 0),
    };
    app.invoke(confirm, &cookie).await.ok();
    // This session signed in with the password alone: a code is asked.
    assert_eq!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .ask_again,
        AskAgain::Code
    );
    app.invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(
        page.contains("backups-code") && !page.contains("backups-password"),
        "{page}"
    );
    let sent = || {
        app.fake.request_count(
            "POST",
            &format!("/v1/servers/{server_id}/actions/disable_backup"),
        )
    };

    let password_only = app
        .invoke(backups(&id, server_id, false, "db-1", PASSWORD), &cookie)
        .await;
    assert_eq!(
        password_only.refused(),
        AppError(Refusal::SecondFactorAgain)
    );
    let wrong = &wrong_codes(&secret, 1)[0];
    let wrong = app
        .invoke(
            backups_off_with_code(&id, server_id, "db-1", wrong),
            &cookie,
        )
        .await;
    assert_eq!(wrong.refused(), AppError(Refusal::SecondFactorWrong));
    let fresh = code(&secret, 1);
    let misnamed = app
        .invoke(
            backups_off_with_code(&id, server_id, "db-2", &fresh),
            &cookie,
        )
        .await;
    assert_eq!(misnamed.refused(), AppError(Refusal::ConfirmationMismatch));
    assert_eq!(sent(), 0);

    app.invoke(
        backups_off_with_code(&id, server_id, "db-1", &fresh),
        &cookie,
    )
    .await
    .ok();
    assert_eq!(sent(), 1, "the code the mistyped name did not use up");
    // Checked just now: the name is enough for five minutes.
    assert_eq!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .ask_again,
        AskAgain::Recent
    );
    app.invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    app.invoke(backups_off_with_code(&id, server_id, "db-1", ""), &cookie)
        .await
        .ok();
    assert_eq!(sent(), 2);

    // Five minutes later a code is asked again, and the one used is spent.
    let mut db = app.db().await;
    sqlx::query("UPDATE sessions SET second_factor_at = second_factor_at - 301")
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .ask_again,
        AskAgain::Code
    );
    app.invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await
        .ok();
    let replayed = app
        .invoke(
            backups_off_with_code(&id, server_id, "db-1", &fresh),
            &cookie,
        )
        .await;
    assert_eq!(replayed.refused(), AppError(Refusal::SecondFactorWrong));
    assert_eq!(sent(), 2);
}

fn rebuild(id: &str, server_id: i64, image: i64, name: &str) -> RebuildServer {
    RebuildServer {
        id: id.into(),
        server_id,
        image,
        name: Some(name.into()),
        password: Some(PASSWORD.into()),
        code: None,
        snapshot_first: false,
    }
}

/// A rebuild destroys the disk: it asks again, offers only images for the
/// server's architecture and location, and is followed and logged. The
/// root password Hetzner sets for a server without an SSH key reaches the
/// page that asked once, and no other page, no log line and no table.
async fn a_rebuild_asks_again_and_its_root_password_is_shown_once_and_kept_nowhere(app: TestApp) {
    let logs = crate::token_leaks::logs();
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let overview = app.invoke(load(&id, server_id), &cookie).await.ok();
    let images: Vec<i64> = overview.rebuild_choices.iter().map(|i| i.id).collect();
    assert!(!images.is_empty());
    let sent = || {
        app.fake
            .request_count("POST", &format!("/v1/servers/{server_id}/actions/rebuild"))
    };
    let misnamed = app
        .invoke(rebuild(&id, server_id, images[0], "db-2"), &cookie)
        .await;
    assert_eq!(misnamed.refused(), AppError(Refusal::ConfirmationMismatch));
    let unproven = RebuildServer {
        password: Some("not it".into()),
        ..rebuild(&id, server_id, images[0], "db-1")
    };
    let unproven = app.invoke(unproven, &cookie).await;
    assert_eq!(unproven.refused(), AppError(Refusal::WrongPassword));
    let arm_image = 161_547_270;
    assert!(!images.contains(&arm_image), "cx22 is x86: {images:?}");
    let other_image = app
        .invoke(rebuild(&id, server_id, arm_image, "db-1"), &cookie)
        .await;
    assert_eq!(
        other_image.refused(),
        AppError(Refusal::InvalidServerRequest(vec!["image".into()]))
    );
    assert_eq!(
        sent(),
        0,
        "nothing sent before the name, the proof and the image are right"
    );

    let shown = app
        .invoke(rebuild(&id, server_id, images[0], "db-1"), &cookie)
        .await
        .ok();
    let shown = shown.expect("a seeded server has no SSH key: Hetzner set a root password");
    wait_for_status(&app, &cookie, &id, server_id, "running").await;
    // Without JavaScript the browser is only told there is one.
    let form = [
        ("id", id.as_str()),
        ("server_id", &server_id.to_string()),
        ("image", &images[0].to_string()),
        ("name", "db-1"),
        ("password", PASSWORD),
    ];
    let res = app
        .post_form(path_of::<RebuildServer>(), &page_path, &form, Some(&cookie))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page_path}?rebuilt=1&actions="))
            && to.ends_with("&root_password=withheld"),
        "{to}"
    );
    let html = app.page(&to, &cookie).await;
    assert!(
        html.contains("Rebuilding") && html.contains("keeps it nowhere"),
        "{html}"
    );
    follow(&app, &cookie, &id, &to).await;
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.rebuilt' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 2);

    let passwords = root_passwords_answered(&app, "/actions/rebuild");
    assert_eq!(passwords.len(), 2, "each rebuild set one");
    assert_eq!(passwords[0], shown);
    let later_pages = app.page(&page_path, &cookie).await + &html;
    assert_kept_nowhere(&app, logs, &passwords, &later_pages).await;

    // Rebuild protection: the card says so, and Hetzner refuses.
    let protect = crate::support::SetServerProtection {
        id: id.clone(),
        server_id,
        on: true,
        name: None,
        password: None,
        code: None,
    };
    app.invoke(protect, &cookie).await.ok();
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("Rebuild protection is on"), "{page}");
    let protected = app
        .invoke(rebuild(&id, server_id, images[0], "db-1"), &cookie)
        .await;
    assert_eq!(protected.refused(), AppError(Refusal::ServerProtected));
}

async fn a_droplet_is_rebuilt_from_another_image(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let overview = w.app.invoke(load(&id, server_id), &cookie).await.ok();
    let before = overview.details.image.clone().unwrap_or_default();
    let other = overview
        .rebuild_choices
        .iter()
        .find(|image| !before.contains(&image.description) && !image.description.contains(&before))
        .expect("another image offered in fra1")
        .clone();
    let password = w
        .app
        .invoke(rebuild(&id, server_id, other.id, "web-1"), &cookie)
        .await
        .ok();
    assert_eq!(password, None, "DigitalOcean answers none");
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    let after = w
        .app
        .invoke(load(&id, server_id), &cookie)
        .await
        .ok()
        .details
        .image;
    assert_ne!(
        after.as_deref(),
        Some(before.as_str()),
        "rebuilt from {other:?}"
    );
}

fn rescue(id: &str, server_id: i64, on: bool) -> SetRescue {
    SetRescue {
        id: id.into(),
        server_id,
        on,
    }
}

/// Rescue on: Hetzner's rescue system with the Potions key, then a restart
/// into it, followed and logged; its root password reaches the asking
/// request only. Off without JavaScript lands back on the page.
async fn rescue_boots_with_the_potions_key_and_its_password_is_kept_nowhere(app: TestApp) {
    let logs = crate::token_leaks::logs();
    let (cookie, _, id, server_id) = hetzner_server(&app, "db-1").await;
    let page_path = format!("/projects/{id}/servers/{server_id}");
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("Boot into rescue"), "{page}");
    // Without JavaScript: followed on the page, which is told of a password.
    let server = server_id.to_string();
    let form = |on: &'static str| {
        [
            ("id", id.as_str()),
            ("server_id", server.as_str()),
            ("on", on),
        ]
    };
    let res = app
        .post_form(
            path_of::<SetRescue>(),
            &page_path,
            &form("true"),
            Some(&cookie),
        )
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!("{page_path}?rescue=1&actions="))
            && to.ends_with("&rescue_password=withheld"),
        "{to}"
    );
    let html = app.page(&to, &cookie).await;
    assert!(
        html.contains("Booting the rescue system") && html.contains("keeps it nowhere"),
        "{html}"
    );
    follow(&app, &cookie, &id, &to).await;
    let reboots = app
        .fake
        .request_count("POST", &format!("/v1/servers/{server_id}/actions/reboot"));
    assert_eq!(reboots, 1, "restarted into it");
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert_eq!(details.rescue, Some(true));
    let page = app.page(&page_path, &cookie).await;
    assert!(page.contains("Turn rescue off"), "{page}");

    let res = app
        .post_form(
            path_of::<SetRescue>(),
            &page_path,
            &form("false"),
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&res), page_path);
    assert_eq!(
        app.invoke(load(&id, server_id), &cookie)
            .await
            .ok()
            .details
            .rescue,
        Some(false)
    );

    // With JavaScript the asking page gets the password, once.
    let shown = app.invoke(rescue(&id, server_id, true), &cookie).await.ok();
    let shown = shown.expect("the rescue system's root password");
    let logged = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.rescue_changed' \
                  AND outcome = 'ok' AND provider_request_id IS NOT NULL";
    assert_eq!(app.count(logged).await, 3);
    let passwords = root_passwords_answered(&app, "/actions/enable_rescue");
    assert_eq!(passwords.len(), 2);
    assert_eq!(passwords[1], shown);
    let pages = app.page(&page_path, &cookie).await + &html;
    assert_kept_nowhere(&app, logs, &passwords, &pages).await;
}

async fn a_droplet_has_no_rescue_system_and_says_so(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    let page = w
        .app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(page.contains("Recovery Console"), "{page}");
    let refused = w.app.invoke(rescue(&id, server_id, true), &cookie).await;
    assert_eq!(
        refused.refused(),
        AppError(Refusal::ServerStateDoesNotAllow)
    );
}

/// A team whose grant predates `droplet:update` keeps everything it could
/// do; a droplet action says to Reconnect, and after it, works.
async fn a_team_connected_before_droplet_update_is_asked_to_reconnect_for_it(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id, server_id) = droplet_web_1(&w).await;
    w.fake.advance_clock(std::time::Duration::from_secs(1));
    assert_eq!(w.fake.withdraw_scope("droplet:update"), 1);
    let refused = w
        .app
        .invoke(power(&id, server_id, PowerAction::Reboot), &cookie)
        .await;
    assert_eq!(
        refused.refused(),
        AppError(Refusal::DigitalOceanNeedsMoreAccess)
    );
    let still = w.app.invoke(load(&id, server_id), &cookie).await.ok();
    assert_eq!(still.details.server.status, "active", "reading still works");
    w.connect_team_with(&cookie, "Acme", &id).await;
    w.app
        .invoke(power(&id, server_id, PowerAction::Reboot), &cookie)
        .await
        .ok();
}

/// The provider down, an answer lost, a rate limit, a server deleted in the
/// console while its page is open: each reads clearly, a POST that may have
/// been applied is never sent again, and the page then shows what the
/// provider holds.
async fn faults_mid_action_read_clearly_and_no_post_is_sent_twice(app: TestApp) {
    use hetzner_fake::{Fault, FaultKind};
    let (cookie, project, id, server_id) = hetzner_server(&app, "db-1").await;
    let sent = |command: &str| {
        let path = format!("/v1/servers/{server_id}/actions/{command}");
        app.fake.request_count("POST", &path)
    };
    let on = |command: &str| format!("/v1/servers/{server_id}/actions/{command}");

    app.fake
        .inject(Fault::error(503, "unavailable").on("POST", &on("enable_backup")));
    let down = app
        .invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await;
    assert_eq!(down.refused(), AppError(Refusal::HetznerUnreachable));
    assert_eq!(
        sent("enable_backup"),
        1,
        "a POST that may have been applied is not repeated"
    );
    let unknown = "SELECT COUNT(*) FROM activity WHERE action = 'cloud.server.backups_changed' \
                   AND outcome = 'unknown'";
    assert_eq!(app.count(unknown).await, 1, "logged as may-have-happened");

    app.fake
        .inject(Fault::new(FaultKind::AnswerLost).on("POST", &on("enable_backup")));
    let lost = app
        .invoke(backups(&id, server_id, true, "", ""), &cookie)
        .await;
    assert_eq!(lost.refused(), AppError(Refusal::HetznerUnreachable));
    assert_eq!(sent("enable_backup"), 2);
    let details = app.invoke(load(&id, server_id), &cookie).await.ok().details;
    assert!(
        details.backups,
        "carried out: the page shows Hetzner's truth"
    );

    // A rate limit says nothing was done: that one is retried.
    app.fake
        .inject(Fault::error(429, "rate_limit_exceeded").on("POST", &on("change_protection")));
    let protect = crate::support::SetServerProtection {
        id: id.clone(),
        server_id,
        on: true,
        name: None,
        password: None,
        code: None,
    };
    app.invoke(protect, &cookie).await.ok();
    assert_eq!(sent("change_protection"), 2);

    // Deleted in the console while its page is open.
    let deleted = reqwest::Client::new()
        .delete(format!("{}/servers/{server_id}", app.fake.base_url()))
        .bearer_auth(&project.read_write_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        deleted.status(),
        reqwest::StatusCode::LOCKED,
        "protected first"
    );
    app.fake.set_delete_protection(&project, server_id, false);
    let deleted = reqwest::Client::new()
        .delete(format!("{}/servers/{server_id}", app.fake.base_url()))
        .bearer_auth(&project.read_write_token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());
    let gone = app
        .invoke(backups(&id, server_id, false, "db-1", PASSWORD), &cookie)
        .await;
    assert_eq!(gone.refused(), AppError(Refusal::ServerNotFound));
    let gone = app
        .invoke(resize(&id, server_id, "ccx13", false), &cookie)
        .await;
    assert_eq!(gone.refused(), AppError(Refusal::ServerNotFound));
    let page = app
        .page(&format!("/projects/{id}/servers/{server_id}"), &cookie)
        .await;
    assert!(page.contains("no longer exists"), "{page}");
}

/// The root passwords Hetzner answered to the POSTs whose path ends with
/// `action`, read back from the fake.
fn root_passwords_answered(app: &TestApp, action: &str) -> Vec<String> {
    app.fake
        .exchanges()
        .into_iter()
        .filter(|exchange| exchange.path.ends_with(action))
        .filter_map(|exchange| Some(exchange.body?["root_password"].as_str()?.to_string()))
        .collect()
}

/// None of `passwords` is in `pages`, in any table (the database read
/// whole) or in any log line.
async fn assert_kept_nowhere(
    app: &TestApp,
    logs: &testkit::LogCapture,
    passwords: &[String],
    pages: &str,
) {
    let backend = if app.database_url.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let database = crate::token_leaks::database_text(app, backend).await;
    assert!(database.contains("db-1"), "the database was read");
    let log_text = logs.text();
    for password in passwords {
        assert!(
            !pages.contains(password.as_str()),
            "a page shows a root password again"
        );
        assert!(
            !database.contains(password.as_str()),
            "a table holds a root password"
        );
        assert!(
            !log_text.contains(password.as_str()),
            "a log line holds a root password"
        );
    }
}
