//! Provisioning in a connected DigitalOcean team, through the same project
//! page, create form and SSH keys page as Hetzner: droplets created with
//! the Potions key and tag, followed until active, deleted by name; the
//! team's keys, listed within DigitalOcean's limit.

use crate::support::{
    location, path_of, AddSshKey, Backend, CreateServer, DeleteServer, DeleteSshKey, ListSshKeys,
    LoadCreateServerChoices, ReadProvisioningProgress, WithDigitalOcean,
};
use digitalocean_fake::{Fault, FaultKind};
use model::provisioning::{CreateServerChoices, Currency};
use reqwest::StatusCode;
use std::time::Duration;

on_both_backends!(
    droplets_are_created_followed_and_deleted,
    create_requests_are_checked_against_the_team_catalogue,
    team_keys_are_listed_within_the_limit,
);

const DEBIAN: &str = "160000003";
const FEDORA: &str = "160000004";
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp ada@laptop";

/// A signed-in user with the team "Acme" connected: (cookie, connection id).
async fn acme(w: &WithDigitalOcean) -> (String, String) {
    let cookie = w.app.sign_up("ada@example.com").await;
    let id = w.connect_team(&cookie, "Acme").await;
    (cookie, id)
}

async fn create(
    w: &WithDigitalOcean,
    cookie: &str,
    id: &str,
    fields: [(&str, &str); 4],
) -> reqwest::Response {
    let mut form = vec![("id", id)];
    form.extend(fields);
    w.app
        .post_form(
            path_of::<CreateServer>(),
            &format!("/projects/{id}"),
            &form,
            Some(cookie),
        )
        .await
}

fn request<'a>(
    name: &'a str,
    region: &'a str,
    size: &'a str,
    image: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("name", name),
        ("location", region),
        ("server_type", size),
        ("image", image),
    ]
}

async fn droplets_are_created_followed_and_deleted(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id) = acme(&w).await;
    let team = w.user.teams.iter().find(|t| t.name == "Acme").unwrap();
    let project = w.app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        project.contains("Create a server") && project.contains("$6.00/month"),
        "{project}"
    );

    // The Potions key was removed from the team: creating puts it back.
    let potions_key = w.fake.ssh_keys(team)[0].clone();
    let (status, _) = w
        .app
        .call(
            path_of::<DeleteSshKey>(),
            &[("id", &id), ("key_id", &potions_key.id.to_string())],
            &cookie,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.fake.ssh_keys(team).is_empty());

    let res = create(
        &w,
        &cookie,
        &id,
        request("Web-1", "fra1", "s-1vcpu-1gb", DEBIAN),
    )
    .await;
    let to = location(&res);
    assert!(to.starts_with(&format!("/projects/{id}?watch=")), "{to}");
    assert_eq!(w.fake.droplet_names(team), ["web-1"]);
    let keys = w.fake.ssh_keys(team);
    assert!(
        keys.len() == 1 && keys[0].fingerprint == potions_key.fingerprint,
        "{keys:?}"
    );
    let droplets = w.app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(
        droplets.contains("web-1") && droplets.contains(">Potions<"),
        "{droplets}"
    );

    // The create action, followed until the droplet is active (the fake takes 300 ms).
    let actions = to.split("actions=").nth(1).unwrap().to_string();
    let mut progress = serde_json::Value::Null;
    for _ in 0..100 {
        let (status, answer) = w
            .app
            .call(
                path_of::<ReadProvisioningProgress>(),
                &[("id", &id), ("actions", &actions)],
                &cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        progress = answer;
        if progress["done"] == true {
            break;
        }
        assert!(
            progress["percent"].is_null(),
            "DigitalOcean says no percentage"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(progress["done"], true, "{progress}");
    assert_eq!(progress["percent"], 100);
    let droplets = w.app.page(&format!("/projects/{id}"), &cookie).await;
    assert!(droplets.contains("active"), "{droplets}");

    // Deleted only with its name; gone is gone.
    let droplet_id = to
        .split("watch=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_string();
    let delete = |name: &'static str| {
        let (id, droplet_id, cookie) = (id.clone(), droplet_id.clone(), cookie.clone());
        let app = &w.app;
        async move {
            app.post_form(
                path_of::<DeleteServer>(),
                &format!("/projects/{id}/servers/{droplet_id}/delete"),
                &[
                    ("id", &id),
                    ("server_id", &droplet_id),
                    ("confirm_name", name),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    let res = delete("web-2").await;
    let form_page = format!("/projects/{id}/servers/{droplet_id}/delete");
    w.app
        .assert_form_error_as(
            res,
            &form_page,
            "doesn't match the server's name",
            Some(&cookie),
        )
        .await;
    assert_eq!(w.fake.droplet_names(team), ["web-1"]);
    let res = delete("web-1").await;
    assert_eq!(location(&res), format!("/projects/{id}?deleted=web-1"));
    assert!(w.fake.droplet_names(team).is_empty());
}

async fn create_requests_are_checked_against_the_team_catalogue(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id) = acme(&w).await;
    let team = w.user.teams.iter().find(|t| t.name == "Acme").unwrap();
    let (status, menus) = w
        .app
        .call(
            path_of::<LoadCreateServerChoices>(),
            &[("id", &id)],
            &cookie,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{menus}");
    let menus: CreateServerChoices =
        serde_json::from_value(menus).expect("the create form's choices");
    assert_eq!(menus.catalogue.currency, Currency::Usd);
    let regions: Vec<&str> = menus
        .catalogue
        .locations
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert!(
        regions.contains(&"fra1") && !regions.contains(&"nyc2"),
        "{regions:?}"
    );
    let fedora = menus
        .catalogue
        .images
        .iter()
        .find(|i| FEDORA.parse() == Ok(i.id))
        .unwrap();
    assert_eq!(
        fedora.locations.as_deref(),
        Some(&["nyc3", "ams3", "fra1"].map(String::from)[..])
    );
    assert!(menus.ssh_keys[0].is_potions_key, "{menus:?}");

    let refused = [
        (
            request("web-1", "sfo3", "s-1vcpu-1gb", FEDORA),
            "The image you chose can't be used here.",
        ),
        (
            request("web-1", "sfo3", "c-2", DEBIAN),
            "It is available in: nyc3, fra1.",
        ),
        (
            request("web-1", "nyc2", "s-1vcpu-1gb", DEBIAN),
            "The location you chose can't be used here.",
        ),
        (
            request("-web", "fra1", "s-1vcpu-1gb", DEBIAN),
            "Server names are host names",
        ),
    ];
    for (fields, message) in refused {
        let res = create(&w, &cookie, &id, fields).await;
        w.app
            .assert_form_error_as(res, &format!("/projects/{id}"), message, Some(&cookie))
            .await;
    }
    // DigitalOcean's own refusal is shown in its words when JavaScript posts the form.
    w.fake.inject(
        Fault::new(FaultKind::Error {
            status: 422,
            code: "unprocessable_entity".into(),
            message: "creating this droplet will exceed your droplet limit".into(),
        })
        .on("POST", "/v2/droplets"),
    );
    let (status, answer) = w
        .app
        .call(
            path_of::<CreateServer>(),
            &[
                ("id", &id),
                ("name", "web-1"),
                ("location", "fra1"),
                ("server_type", "s-1vcpu-1gb"),
                ("image", DEBIAN),
            ],
            &cookie,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer.to_string().contains("exceed your droplet limit"),
        "{answer}"
    );
    assert!(w.fake.droplet_names(team).is_empty(), "nothing was created");
}

async fn team_keys_are_listed_within_the_limit(backend: Backend) {
    let Some(w) = WithDigitalOcean::spawn(backend).await else {
        return;
    };
    let (cookie, id) = acme(&w).await;
    let team = w.user.teams.iter().find(|t| t.name == "Acme").unwrap();
    let listings = || w.fake.request_count("GET", "/v2/account/keys");
    let list = || async {
        let (status, keys) = w
            .app
            .call(path_of::<ListSshKeys>(), &[("id", &id)], &cookie)
            .await;
        assert_eq!(status, StatusCode::OK, "{keys}");
        keys
    };
    let before = listings();
    for _ in 0..12 {
        assert_eq!(list().await.as_array().unwrap().len(), 1);
    }
    assert_eq!(listings(), before + 1, "one listing, reused");

    let add = |name: &'static str| {
        let (app, id, cookie) = (&w.app, id.clone(), cookie.clone());
        async move {
            app.call(
                path_of::<AddSshKey>(),
                &[("id", &id), ("name", name), ("public_key", KEY)],
                &cookie,
            )
            .await
        }
    };
    let (status, added) = add("laptop").await;
    assert_eq!((status, added), (StatusCode::OK, serde_json::Value::Null));
    let keys = list().await;
    assert_eq!(
        keys.as_array().unwrap().len(),
        2,
        "Potions' own change shows at once"
    );
    let (_, again) = add("laptop 2").await;
    assert!(
        again
            .as_str()
            .unwrap()
            .contains("already in the project as \u{201c}laptop\u{201d}"),
        "{again}"
    );
    let laptop = w
        .fake
        .ssh_keys(team)
        .into_iter()
        .find(|k| k.name == "laptop")
        .unwrap();
    let (status, _) = w
        .app
        .call(
            path_of::<DeleteSshKey>(),
            &[("id", &id), ("key_id", &laptop.id.to_string())],
            &cookie,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.fake.ssh_keys(team).len(), 1);
    let page = w
        .app
        .page(&format!("/projects/{id}/ssh-keys"), &cookie)
        .await;
    assert_eq!(page.matches("data-testid=\"ssh-key\"").count(), 1, "{page}");
}
