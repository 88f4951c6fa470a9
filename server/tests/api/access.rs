//! Who reaches what: every page and server function, without a session, with
//! another user's session, and from another site, reaches nothing of the owner's.

use crate::support::{
    location, path_of, AddSshKey, Authenticator, BeginPasskeyRegistration, BeginPasskeySignIn,
    BeginTotp, ConfirmTotp, ConnectHetzner, CreateServer, CurrentUser, DeleteServer,
    DeleteSnapshot, DeleteSshKey, DigitaloceanSetUp, DisconnectConnection, EndOtherSessions,
    EndSession, FinishPasskeyRegistration, FinishPasskeySignIn, ListActivity, ListConnections,
    ListSessions, ListSnapshots, ListSshKeys, LoadCreateServerChoices, LoadDashboard, LoadProject,
    LoadSecondSteps, LoadSecurity, LoadServer, PowerServer, ReadProvisioningProgress,
    RebuildServer, RecheckConnection, RegenerateRecoveryCodes, RemovePasskey,
    RemoveSnapshotSchedule, RenameConnection, RenamePasskey, RenameServer, ReplaceToken,
    ResizeServer, SetRescue, SetReverseDns, SetServerBackups, SetServerProtection,
    SetSnapshotSchedule, SignIn, SignOut, SignUp, StartDigitaloceanConnect, TakeSnapshot, TestApp,
    TurnOffTotp, VerifySignIn, PASSWORD,
};
use app::error::{AppError, Refusal};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// The server functions that need no session.
fn public_functions() -> [&'static str; 8] {
    [
        path_of::<CurrentUser>(),
        path_of::<SignUp>(),
        path_of::<SignIn>(),
        path_of::<SignOut>(),
        // The second step of signing in: no session exists yet; each needs
        // its browser's waiting sign-in.
        path_of::<VerifySignIn>(),
        path_of::<LoadSecondSteps>(),
        path_of::<BeginPasskeySignIn>(),
        path_of::<FinishPasskeySignIn>(),
    ]
}

on_both_databases!(every_route_and_server_function_is_scoped_to_its_owner);

async fn every_route_and_server_function_is_scoped_to_its_owner(app: TestApp) {
    let owner = app.sign_up("owner@example.com").await;
    let project = app.fake.add_project("owned");
    let server = app
        .fake
        .seed_server(&project, "owned-box", "cx22", "fsn1")
        .unwrap()
        .to_string();
    let id = app
        .connect_ok(&owner, "Owner's project", &project.read_write_token)
        .await;
    Authenticator::new(&app)
        .register(&app, &owner, "Owner's laptop")
        .await;
    let security = app.invoke(LoadSecurity {}, &owner).await.ok();
    let passkey = security.passkeys[0].id.clone();
    let other = app.sign_up("other@example.com").await;
    let calls_before = app.fake.exchanges().len();

    let pages = [
        "/".to_string(),
        "/account".into(),
        "/account/sessions".into(),
        "/account/security".into(),
        "/account/activity".into(),
        format!("/account/activity?connection={id}"),
        "/connect/hetzner".into(),
        "/connect/digitalocean".into(),
        format!("/account/connections/{id}/disconnect"),
        format!("/projects/{id}"),
        format!("/projects/{id}/ssh-keys"),
        format!("/projects/{id}/servers/{server}/delete"),
    ];
    for page in &pages {
        let anonymous = app.get(page, None).await;
        assert_eq!(
            anonymous.status(),
            StatusCode::SEE_OTHER,
            "{page} without a session"
        );
        assert!(location(&anonymous).starts_with("/login?next="), "{page}");
        let res = app.get(page, Some(&other)).await;
        assert_eq!(res.status(), StatusCode::OK, "{page} as another user");
        let html = res.text().await.unwrap();
        assert!(
            !html.contains("Owner") && !html.contains("owned-box"),
            "{page} shows the owner's data to another user"
        );
    }

    let owner_sessions = app.invoke(ListSessions {}, &owner).await.ok();
    let owner_session = owner_sessions[0].handle.clone();
    let key =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbPMoX0bNt1zjc8EpYw6iUR/sPVGGgVXAGdFn3jNWbp x@y";
    let functions: Vec<(&str, Vec<(&str, String)>)> = vec![
        (path_of::<ListConnections>(), vec![]),
        (path_of::<LoadDashboard>(), vec![]),
        (path_of::<RecheckConnection>(), vec![("id", id.clone())]),
        (
            path_of::<RenameConnection>(),
            vec![("id", id.clone()), ("label", "taken over".into())],
        ),
        (path_of::<DisconnectConnection>(), vec![("id", id.clone())]),
        (path_of::<LoadProject>(), vec![("id", id.clone())]),
        (
            path_of::<LoadServer>(),
            vec![("id", id.clone()), ("server_id", server.clone())],
        ),
        (
            path_of::<RenameServer>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("name", "taken-over".into()),
            ],
        ),
        (
            path_of::<SetReverseDns>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("ip", "127.0.0.1".into()),
                ("name", "taken.example.com".into()),
            ],
        ),
        (
            path_of::<PowerServer>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("action", "power_off".into()),
            ],
        ),
        (
            path_of::<SetServerProtection>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("on", "false".into()),
                ("name", "owned-box".into()),
                ("password", PASSWORD.into()),
            ],
        ),
        (
            path_of::<SetServerBackups>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("on", "false".into()),
                ("name", "owned-box".into()),
                ("password", PASSWORD.into()),
            ],
        ),
        (
            path_of::<RebuildServer>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("image", "161547269".into()),
                ("name", "owned-box".into()),
                ("password", PASSWORD.into()),
            ],
        ),
        (
            path_of::<SetRescue>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("on", "true".into()),
            ],
        ),
        (
            path_of::<DeleteSnapshot>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("snapshot_id", "1".into()),
                ("name", "owned-box".into()),
                ("password", PASSWORD.into()),
            ],
        ),
        (path_of::<ListSnapshots>(), vec![("id", id.clone())]),
        (
            path_of::<SetSnapshotSchedule>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("day", "daily".into()),
                ("hour", "3".into()),
                ("keep", "7".into()),
            ],
        ),
        (
            path_of::<RemoveSnapshotSchedule>(),
            vec![("id", id.clone()), ("server_id", server.clone())],
        ),
        (
            path_of::<TakeSnapshot>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("name", "taken over".into()),
            ],
        ),
        (
            path_of::<ResizeServer>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("size", "ccx13".into()),
            ],
        ),
        (
            path_of::<LoadCreateServerChoices>(),
            vec![("id", id.clone())],
        ),
        (
            path_of::<CreateServer>(),
            vec![
                ("id", id.clone()),
                ("name", "intruder".into()),
                ("location", "fsn1".into()),
                ("server_type", "cx22".into()),
                ("image", "161547269".into()),
            ],
        ),
        (
            path_of::<ReadProvisioningProgress>(),
            vec![("id", id.clone()), ("actions", "1".into())],
        ),
        (
            path_of::<DeleteServer>(),
            vec![
                ("id", id.clone()),
                ("server_id", server.clone()),
                ("confirm_name", "owned-box".into()),
            ],
        ),
        (path_of::<ListSshKeys>(), vec![("id", id.clone())]),
        (
            path_of::<AddSshKey>(),
            vec![
                ("id", id.clone()),
                ("name", "intruder".into()),
                ("public_key", key.into()),
            ],
        ),
        (
            path_of::<DeleteSshKey>(),
            vec![("id", id.clone()), ("key_id", "1".into())],
        ),
        (
            path_of::<ReplaceToken>(),
            vec![("id", id.clone()), ("token", "A".repeat(64))],
        ),
        (
            path_of::<ConnectHetzner>(),
            vec![
                ("label", "x".into()),
                ("token", project.read_write_token.clone()),
            ],
        ),
        (path_of::<DigitaloceanSetUp>(), vec![]),
        (path_of::<ListSessions>(), vec![]),
        (
            path_of::<EndSession>(),
            vec![("handle", owner_session.clone())],
        ),
        (path_of::<EndOtherSessions>(), vec![]),
        (path_of::<LoadSecurity>(), vec![]),
        (path_of::<ListActivity>(), vec![("connection", id.clone())]),
        (path_of::<BeginTotp>(), vec![("password", "guess".into())]),
        (path_of::<ConfirmTotp>(), vec![("code", "123456".into())]),
        (
            path_of::<RegenerateRecoveryCodes>(),
            vec![("password", "guess".into())],
        ),
        (path_of::<TurnOffTotp>(), vec![("password", "guess".into())]),
        (
            path_of::<BeginPasskeyRegistration>(),
            vec![("name", "x".into()), ("password", "guess".into())],
        ),
        (
            path_of::<FinishPasskeyRegistration>(),
            vec![("ceremony", "x".into()), ("credential", "{}".into())],
        ),
        (
            path_of::<RenamePasskey>(),
            vec![("id", passkey.clone()), ("name", "taken over".into())],
        ),
        (
            path_of::<RemovePasskey>(),
            vec![("id", passkey.clone()), ("password", PASSWORD.into())],
        ),
        (
            path_of::<StartDigitaloceanConnect>(),
            vec![("label", "x".into()), ("reconnect", id.clone())],
        ),
    ];
    for (function, form) in &functions {
        let url = app.url(function);
        // A POST as a browser sends it, with the one header that says where
        // it comes from (`Origin`, `Sec-Fetch-Site`, or none).
        let send = |cookie: Option<&str>, site: Option<(&str, &str)>| {
            let mut req = app
                .client
                .post(&url)
                .header(ACCEPT, "application/json")
                .form(form);
            if let Some((name, value)) = site {
                req = req.header(name, value);
            }
            if let Some(cookie) = cookie {
                req = req.header(COOKIE, cookie);
            }
            req.send()
        };
        let same_site = Some(("origin", app.base_url.as_str()));
        let anonymous = send(None, same_site).await.unwrap();
        let body = anonymous.text().await.unwrap();
        assert!(
            body.contains("NotSignedIn"),
            "{function} without a session answered {body}"
        );

        let as_other = send(Some(&other), same_site).await.unwrap();
        let body = as_other.text().await.unwrap();
        let expected = if *function == path_of::<ListConnections>() {
            body == "[]"
        } else if *function == path_of::<LoadDashboard>() {
            body.starts_with("{\"projects\":[],")
        } else if *function == path_of::<ListSessions>() {
            // Only the other user's own browser.
            !body.contains(&owner_session) && body.contains("\"current\":true")
        } else if *function == path_of::<EndSession>() {
            body.contains("SessionNotFound")
        } else if *function == path_of::<EndOtherSessions>() {
            // Ends the other user's other browsers: there are none.
            body == "null"
        } else if *function == path_of::<ListActivity>() {
            // Only the other user's own entries, none of this connection.
            body.starts_with("{\"items\":[]")
        } else if *function == path_of::<LoadSecurity>() {
            // The other user's own settings.
            body.contains("\"totp\":\"Off\"")
        } else if *function == path_of::<ConfirmTotp>() {
            body.contains("TotpNotEnrolling")
        } else if *function == path_of::<FinishPasskeyRegistration>() {
            body.contains("PasskeyRefused")
        } else if [path_of::<RenamePasskey>(), path_of::<RemovePasskey>()].contains(function) {
            // The owner's passkey, named by its id: not the other user's.
            body.contains("PasskeyNotFound")
        } else if [
            path_of::<BeginPasskeyRegistration>(),
            path_of::<BeginTotp>(),
            path_of::<RegenerateRecoveryCodes>(),
            path_of::<TurnOffTotp>(),
        ]
        .contains(function)
        {
            body.contains("WrongPassword")
        } else if *function == path_of::<DigitaloceanSetUp>() {
            // Whether this instance offers DigitalOcean: the same for everyone.
            body == "false"
        } else if *function == path_of::<ConnectHetzner>() {
            // Connecting is allowed for anyone signed in: it makes their own connection.
            !body.contains("Owner")
        } else {
            body.contains("ConnectionNotFound")
        };
        assert!(expected, "{function} as another user answered {body}");
        // Neither Origin nor Sec-Fetch-Site: no browser sends a cross-site POST
        // so (scripts and old clients do), so the guard lets it through, and
        // the session alone decides: another user's still reaches nothing.
        let bare = send(Some(&other), None)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // (A session list holds "last seen", which may move on in between.)
        if ![path_of::<ConnectHetzner>(), path_of::<ListSessions>()].contains(function) {
            assert_eq!(
                bare, body,
                "{function} without either header, as another user"
            );
        }

        let cross_site = send(Some(&owner), Some(("origin", "https://evil.example")))
            .await
            .unwrap();
        assert_eq!(
            cross_site.status(),
            StatusCode::FORBIDDEN,
            "{function} from another site"
        );
        // A browser that sends only Sec-Fetch-Site (no Origin) is refused too.
        let fetch_site_only = send(Some(&owner), Some(("sec-fetch-site", "cross-site")))
            .await
            .unwrap();
        assert_eq!(
            fetch_site_only.status(),
            StatusCode::FORBIDDEN,
            "{function} with Sec-Fetch-Site: cross-site"
        );
        // A GET, which a link or an image could send, changes nothing: server
        // functions answer POST only.
        let get = app
            .client
            .get(&url)
            .header(COOKIE, &owner)
            .query(form)
            .send()
            .await
            .unwrap();
        assert!(
            get.status().is_client_error(),
            "{function} answered a GET with {}",
            get.status()
        );
    }

    // The functions anyone may call (to sign in, or to learn nobody is) still
    // refuse another site.
    for function in public_functions() {
        let cross_site = app
            .client
            .post(app.url(function))
            .header(ACCEPT, "application/json")
            .header(ORIGIN, "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            cross_site.status(),
            StatusCode::FORBIDDEN,
            "{function} from another site"
        );
    }
    // Every registered server function is in one of the two lists: a new one
    // cannot escape this test.
    let covered: BTreeSet<&str> = functions
        .iter()
        .map(|(path, _)| *path)
        .chain(public_functions())
        .collect();
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        covered, registered,
        "the access table and the registered server functions differ"
    );

    // The owner's project is untouched, and Hetzner heard nothing from the others.
    let account = app.page("/account", &owner).await;
    assert!(account.contains("Owner's project") && !account.contains("taken over"));
    assert_eq!(
        app.fake.server_names(&project),
        vec!["owned-box".to_string()]
    );
    let new_calls: Vec<String> = app.fake.exchanges()[calls_before..]
        .iter()
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert!(
        new_calls
            .iter()
            .all(|c| c == "GET /v1/servers" || c == "POST /v1/ssh_keys" || c == "GET /v1/ssh_keys"),
        "only the other user's own connect reached Hetzner: {new_calls:?}"
    );

    // Another user's own connection with the owner's server or key id: the
    // other user's token reaches only their own project, where no such id is.
    let other_project = app.fake.add_project("other");
    let other_id = app
        .connect_ok(&other, "Other's project", &other_project.read_write_token)
        .await;
    let owner_keys = app.fake.ssh_keys(&project);
    let owner_key = owner_keys.first().map(|k| k.id.to_string()).unwrap();
    let delete = DeleteServer {
        id: other_id.clone(),
        server_id: server.parse().unwrap(),
        confirm_name: "owned-box".into(),
        snapshot_first: false,
    };
    let deleted = app.invoke(delete, &other).await.refused();
    assert_eq!(deleted, AppError(Refusal::ServerNotFound));
    let delete_key = DeleteSshKey {
        id: other_id.clone(),
        key_id: owner_key.parse().unwrap(),
    };
    let key_deleted = app.invoke(delete_key, &other).await.refused();
    assert_eq!(key_deleted, AppError(Refusal::ServerNotFound));
    assert_eq!(
        app.fake.ssh_keys(&project).len(),
        owner_keys.len(),
        "the owner's key survived"
    );
}
