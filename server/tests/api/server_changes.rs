//! Changes to a server's setup on its page: the provider's backups (their
//! price shown; off asks again, and nothing is sent until the name and the
//! password are right) and a resize (only types or sizes sold where the
//! server is whose disk holds its disk, with the server off, followed to
//! the end and logged), on Hetzner and DigitalOcean alike.

use crate::second_factor::{begin, code, wrong_codes};
use crate::server_page::{droplet_web_1, follow, hetzner_server, load};
use crate::support::{
    location, path_of, Backend, ConfirmTotp, PowerServer, ResizeServer, SetServerBackups, TestApp,
    WithDigitalOcean, PASSWORD,
};
use app::error::{AppError, Refusal};
use model::provisioning::PowerAction;
use model::AskAgain;

on_both_databases!(
    hetzner_backups_cost_a_fifth_and_off_asks_again,
    a_hetzner_server_is_resized_off_within_what_fits,
    with_an_authenticator_asking_again_wants_a_fresh_code_unless_checked_recently,
);
on_both_backends!(
    droplet_backups_are_weekly,
    a_droplet_is_resized_off_and_its_disk_grows_on_request,
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
    for _ in 0..100 {
        let status = app
            .invoke(load(id, server_id), cookie)
            .await
            .ok()
            .details
            .server
            .status;
        if status == "off" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server never went off");
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
