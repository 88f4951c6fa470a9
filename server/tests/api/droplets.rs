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
    let delete = DeleteSshKey {
        id: id.clone(),
        key_id: potions_key.id,
    };
    w.app.invoke(delete, &cookie).await.ok();
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
    let read = ReadProvisioningProgress {
        id: id.clone(),
        actions,
    };
    let mut progress = None;
    for _ in 0..100 {
        let answer = w.app.invoke(read.clone(), &cookie).await.ok();
        if answer.done {
            progress = Some(answer);
            break;
        }
        assert_eq!(answer.percent, None, "DigitalOcean says no percentage");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let progress = progress.expect("the create action finished");
    assert_eq!(progress.percent, Some(100));
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
    let load = LoadCreateServerChoices { id: id.clone() };
    let menus: CreateServerChoices = w.app.invoke(load, &cookie).await.ok();
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
    let create = CreateServer {
        id: id.clone(),
        name: "web-1".into(),
        location: "fra1".into(),
        server_type: "s-1vcpu-1gb".into(),
        image: DEBIAN.parse().unwrap(),
        ssh_keys: Vec::new(),
    };
    let refused = w.app.invoke(create, &cookie).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.refused().message();
    assert!(message.contains("exceed your droplet limit"), "{message}");
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
        let list = ListSshKeys { id: id.clone() };
        w.app.invoke(list, &cookie).await.ok()
    };
    let before = listings();
    for _ in 0..12 {
        assert_eq!(list().await.len(), 1);
    }
    assert_eq!(listings(), before + 1, "one listing, reused");

    let add = |name: &'static str| {
        let (app, id, cookie) = (&w.app, id.clone(), cookie.clone());
        let add = AddSshKey {
            id,
            name: name.into(),
            public_key: KEY.into(),
        };
        async move { app.invoke(add, &cookie).await.ok() }
    };
    assert_eq!(add("laptop").await, None, "added, nothing to say");
    let keys = list().await;
    assert_eq!(keys.len(), 2, "Potions' own change shows at once");
    let again = add("laptop 2").await.unwrap_or_default();
    assert!(
        again.contains("already in the project as \u{201c}laptop\u{201d}"),
        "{again}"
    );
    let laptop = w
        .fake
        .ssh_keys(team)
        .into_iter()
        .find(|k| k.name == "laptop")
        .unwrap();
    let delete = DeleteSshKey {
        id: id.clone(),
        key_id: laptop.id,
    };
    w.app.invoke(delete, &cookie).await.ok();
    assert_eq!(w.fake.ssh_keys(team).len(), 1);
    let page = w
        .app
        .page(&format!("/projects/{id}/ssh-keys"), &cookie)
        .await;
    assert_eq!(page.matches("data-testid=\"ssh-key\"").count(), 1, "{page}");
}
