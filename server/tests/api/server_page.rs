//! A server's page: what the server is, read from its provider now, for a
//! Hetzner server and a DigitalOcean droplet alike; another user's, another
//! connection's or a gone server reads as not found; "What Potions did here"
//! keeps to this server.

use crate::support::{
    location, path_of, Backend, CreateServer, DeleteServer, ListActivity, LoadServer, TestApp,
    WithDigitalOcean,
};
use app::error::{AppError, Refusal};
use model::provisioning::Currency;
use reqwest::StatusCode;

on_both_databases!(a_hetzner_server_is_shown_in_full_to_its_owner_only);
on_both_backends!(a_droplet_is_shown_in_its_providers_words);

fn load(id: &str, server_id: i64) -> LoadServer {
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
