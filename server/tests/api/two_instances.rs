//! Two Potions instances on one PostgreSQL, driven alternately as a load
//! balancer would: sessions, sign-out and connections are shared, the
//! same token connected at the same moment through both yields one row,
//! and an action started through one is followed through the other.

use crate::support::{
    form_post, path_of, test_settings, ConnectHetzner, CreateServer, DeleteServer, PowerServer,
    ReadProvisioningProgress, SignOut, SignUp,
};
use hetzner_fake::{FakeConfig, FakeHetzner};
use reqwest::header::{ACCEPT, COOKIE};
use reqwest::{redirect, Client, StatusCode};
use server::Server;

struct Instance {
    base: String,
}

async fn two_instances() -> Option<(Instance, Instance, FakeHetzner, String, Client)> {
    two_instances_with(FakeConfig::default()).await
}

async fn two_instances_with(
    config: FakeConfig,
) -> Option<(Instance, Instance, FakeHetzner, String, Client)> {
    let database_url = crate::support::fresh_postgres_database().await?;
    let fake = FakeHetzner::start(config).await.unwrap();
    let key = domain::crypto::MasterKey::generate()
        .to_base64()
        .to_string();
    let data = tempfile::tempdir().unwrap();
    let settings = || {
        let mut s = test_settings(data.path(), &fake);
        s.database_url = Some(database_url.clone());
        s.master_key = Some(key.clone());
        s
    };
    // Both start at once on an empty database: migrations must not collide.
    let (first, second) = (settings(), settings());
    let (a, b) = tokio::join!(Server::bind(&first), Server::bind(&second));
    let (a, b) = (a.expect("first instance"), b.expect("second instance"));
    let bases = (
        format!("http://{}", a.local_addr()),
        format!("http://{}", b.local_addr()),
    );
    tokio::spawn(a.run(std::future::pending()));
    tokio::spawn(b.run(std::future::pending()));
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    Some((
        Instance { base: bases.0 },
        Instance { base: bases.1 },
        fake,
        database_url,
        client,
    ))
}

async fn post(
    client: &Client,
    at: &Instance,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    form_post(client, &at.base, path, "/", form, cookie)
        .send()
        .await
        .unwrap()
}

/// Signs up through one instance; returns the session cookie.
async fn sign_up_through(client: &Client, at: &Instance, email: &str) -> String {
    let res = post(
        client,
        at,
        path_of::<SignUp>(),
        &[("email", email), ("password", crate::support::PASSWORD)],
        None,
    )
    .await;
    crate::support::session_cookie(res.headers()).unwrap()
}

/// A page as the browser loads it, through one instance.
async fn get_page(client: &Client, at: &Instance, path: &str, cookie: &str) -> reqwest::Response {
    client
        .get(format!("{}{path}", at.base))
        .header(ACCEPT, "text/html")
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

async fn status_of(client: &Client, at: &Instance, path: &str, cookie: &str) -> StatusCode {
    get_page(client, at, path, cookie).await.status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_share_sessions_connections_and_one_unique_token() {
    let Some((a, b, fake, database_url, client)) = two_instances().await else {
        return;
    };
    let cookie = sign_up_through(&client, &a, "ada@example.com").await;
    assert_eq!(
        status_of(&client, &b, "/account", &cookie).await,
        StatusCode::OK,
        "a session made on A is valid on B"
    );

    // Many users connect different projects, alternating instances.
    let mut users = Vec::new();
    for n in 0..8 {
        let at = if n % 2 == 0 { &a } else { &b };
        users.push((
            sign_up_through(&client, at, &format!("user{n}@example.com")).await,
            fake.add_project(&format!("p{n}")),
        ));
    }
    let connects = users.iter().enumerate().map(|(n, (cookie, project))| {
        let at = if n % 2 == 0 { &b } else { &a };
        let client = client.clone();
        async move {
            post(
                &client,
                at,
                path_of::<ConnectHetzner>(),
                &[("label", "mine"), ("token", &project.read_write_token)],
                Some(cookie),
            )
            .await
        }
    });
    for res in futures::future::join_all(connects).await {
        assert!(
            crate::support::location(&res).starts_with("/?connected="),
            "every connect succeeds: {}",
            crate::support::location(&res)
        );
    }

    // The same token, at the same moment, through both: exactly one connection.
    let shared = fake.add_project("same");
    let form = [
        ("label", "race"),
        ("token", shared.read_write_token.as_str()),
    ];
    let (first, second) = tokio::join!(
        post(
            &client,
            &a,
            path_of::<ConnectHetzner>(),
            &form,
            Some(&cookie)
        ),
        post(
            &client,
            &b,
            path_of::<ConnectHetzner>(),
            &form,
            Some(&cookie)
        ),
    );
    let outcomes = [
        crate::support::location(&first),
        crate::support::location(&second),
    ];
    assert_eq!(
        outcomes
            .iter()
            .filter(|l| l.starts_with("/?connected="))
            .count(),
        1,
        "{outcomes:?}"
    );
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&database_url)
        .await
        .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM connections")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(rows, 8 + 1);

    // Sign-out on B ends the session on A.
    let out = post(&client, &b, path_of::<SignOut>(), &[], Some(&cookie)).await;
    assert_eq!(crate::support::location(&out), "/login", "signed out on B");
    assert_eq!(
        status_of(&client, &a, "/account", &cookie).await,
        StatusCode::SEE_OTHER
    );
}

async fn dashboard(client: &Client, at: &Instance, cookie: &str) -> String {
    get_page(client, at, "/", cookie)
        .await
        .text()
        .await
        .unwrap()
}

/// Both instances cache the Dashboard's server count; a server created
/// through A shows in the count at once on A and on B, and so does its
/// deletion: Potions' own changes invalidate every instance's cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_potions_creates_counts_at_once_on_every_instance() {
    let Some((a, b, fake, _, client)) = two_instances().await else {
        return;
    };
    let cookie = sign_up_through(&client, &a, "ada@example.com").await;
    let project = fake.add_project("p");
    let res = post(
        &client,
        &a,
        path_of::<ConnectHetzner>(),
        &[("label", "Counted"), ("token", &project.read_write_token)],
        Some(&cookie),
    )
    .await;
    let id = crate::support::location(&res)
        .trim_start_matches("/?connected=")
        .to_string();
    for at in [&a, &b] {
        assert!(dashboard(&client, at, &cookie).await.contains("0 servers"));
    }
    let res = form_post(
        &client,
        &a.base,
        path_of::<CreateServer>(),
        &format!("/projects/{id}"),
        &[
            ("id", id.as_str()),
            ("name", "web-1"),
            ("location", "fsn1"),
            ("server_type", "cx22"),
            ("image", "161547269"),
        ],
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    let progress = crate::support::location(&res);
    assert!(progress.contains("watch="), "created: {progress}");
    for at in [&b, &a] {
        let page = dashboard(&client, at, &cookie).await;
        assert!(
            page.contains("1 server<") || page.contains("1 server "),
            "{page}"
        );
    }
    let server_id = progress
        .split("watch=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_string();
    let res = form_post(
        &client,
        &b.base,
        path_of::<DeleteServer>(),
        &format!("/projects/{id}"),
        &[
            ("id", id.as_str()),
            ("server_id", server_id.as_str()),
            ("confirm_name", "web-1"),
        ],
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    let deleted = crate::support::location(&res);
    assert!(!deleted.contains("__err"), "deleted: {deleted}");
    for at in [&a, &b] {
        assert!(dashboard(&client, at, &cookie).await.contains("0 servers"));
    }
}

/// A reboot started through one instance is followed through the other
/// (the provider's action in the URL, read with the shared session), and
/// both show it in the activity log.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_action_started_on_one_instance_is_followed_on_the_other() {
    let config = FakeConfig {
        provisioning: std::time::Duration::from_millis(800),
        ..FakeConfig::default()
    };
    let Some((a, b, fake, _, client)) = two_instances_with(config).await else {
        return;
    };
    let cookie = sign_up_through(&client, &a, "ada@example.com").await;
    let project = fake.add_project("p");
    let res = post(
        &client,
        &a,
        path_of::<ConnectHetzner>(),
        &[("label", "Followed"), ("token", &project.read_write_token)],
        Some(&cookie),
    )
    .await;
    let id = crate::support::location(&res)
        .trim_start_matches("/?connected=")
        .to_string();
    let server_id = fake
        .seed_server(&project, "web-1", "cx22", "fsn1")
        .unwrap()
        .to_string();
    let page = format!("/projects/{id}/servers/{server_id}");
    let res = form_post(
        &client,
        &a.base,
        path_of::<PowerServer>(),
        &page,
        &[
            ("id", id.as_str()),
            ("server_id", server_id.as_str()),
            ("action", "reboot"),
        ],
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    let following = crate::support::location(&res);
    assert!(
        following.starts_with(&format!("{page}?power=reboot&actions=")),
        "{following}"
    );
    let html = get_page(&client, &b, &following, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("progress-title") && html.contains("Reboot"),
        "{html}"
    );
    let actions = following.split("actions=").nth(1).unwrap().to_string();
    let mut done = false;
    for _ in 0..100 {
        let res = client
            .post(format!(
                "{}{}",
                b.base,
                path_of::<ReadProvisioningProgress>()
            ))
            .header(ACCEPT, "application/json")
            .header(reqwest::header::ORIGIN, &b.base)
            .header(COOKIE, &cookie)
            .form(&[("id", id.as_str()), ("actions", actions.as_str())])
            .send()
            .await
            .unwrap();
        let progress: model::provisioning::Progress = res.json().await.unwrap();
        assert_eq!(progress.failed, None);
        if progress.done {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(done, "followed to the end through the other instance");
    for at in [&a, &b] {
        let activity = get_page(&client, at, "/account/activity", &cookie).await;
        let activity = activity.text().await.unwrap();
        assert!(activity.contains("Server rebooted"), "{activity}");
    }
}
