//! The route table: which page file answers which URL. Paths the app links
//! to are built in `paths.rs`.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use crate::account::{
    activity::AccountActivityPage, disconnect::DisconnectPage, overview::AccountPage,
    security::SecurityPage, sessions::SessionsPage,
};
use crate::auth::{sign_in::SignInPage, sign_up::SignUpPage, verify::SecondStepPage};
use crate::connections::dashboard::DashboardPage;
use crate::not_found::NotFoundPage;
use crate::projects::{
    delete_server::DeleteServerPage, project::ProjectPage, snapshots::SnapshotsPage,
    ssh_keys::SshKeysPage,
};
use crate::providers::digitalocean::connect::ConnectDigitalOceanPage;
use crate::providers::hetzner::connect::ConnectHetznerPage;
use crate::servers::page::ServerPage;

/// A page as a lazy route: built with `--split`, the browser downloads its
/// code when the page is first shown (the server names the chunk in a
/// `modulepreload` link of every page it renders, so nothing waits on it).
/// Each page loads its own data inside, so `data` has nothing to start.
/// The Dashboard, where signing in lands, is not one: as a lazy route it
/// needed some 75 small chunks, fetched six at a time over HTTP/1.1, which
/// doubled its time to interactive.
macro_rules! lazy_page {
    ($($route:ident shows $page:ident;)*) => {
        $(
            #[derive(Clone, Copy)]
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page /> }.into_any()
                }
            }
        )*
    };
}

lazy_page! {
    SignIn shows SignInPage;
    SignUp shows SignUpPage;
    Account shows AccountPage;
    Sessions shows SessionsPage;
    Activity shows AccountActivityPage;
    Security shows SecurityPage;
    SecondStep shows SecondStepPage;
    Disconnect shows DisconnectPage;
    ConnectHetzner shows ConnectHetznerPage;
    ConnectDigitalOcean shows ConnectDigitalOceanPage;
    Project shows ProjectPage;
    SshKeys shows SshKeysPage;
    ServerOrSnapshots shows ServerOrSnapshotsPage;
    DeleteServer shows DeleteServerPage;
}

/// A server's page or its project's Snapshots page, by the URL: one chunk
/// for both, as they share the snapshot table, its delete form and the
/// fields a destructive step asks again for (code two chunks share would
/// sit in the main module, which every page loads).
#[component]
fn ServerOrSnapshotsPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    if params.with_untracked(|p| p.get("server_id").is_some()) {
        view! { <ServerPage /> }.into_any()
    } else {
        view! { <SnapshotsPage /> }.into_any()
    }
}

/// Every page renders in full on the server (`SsrMode::Async`), so it works
/// before the WebAssembly loads and without JavaScript.
#[component]
pub fn AppRoutes() -> impl IntoView {
    // Bound first: the view macro takes no turbofish in an attribute.
    let sign_in = Lazy::<SignIn>::new();
    let sign_up = Lazy::<SignUp>::new();
    let account = Lazy::<Account>::new();
    let sessions = Lazy::<Sessions>::new();
    let activity = Lazy::<Activity>::new();
    let security = Lazy::<Security>::new();
    let second_step = Lazy::<SecondStep>::new();
    let disconnect = Lazy::<Disconnect>::new();
    let connect_hetzner = Lazy::<ConnectHetzner>::new();
    let connect_digitalocean = Lazy::<ConnectDigitalOcean>::new();
    let project = Lazy::<Project>::new();
    let ssh_keys = Lazy::<SshKeys>::new();
    let snapshots = Lazy::<ServerOrSnapshots>::new();
    let server = Lazy::<ServerOrSnapshots>::new();
    let delete_server = Lazy::<DeleteServer>::new();
    view! {
        <Routes fallback=NotFoundPage>
            <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
            <Route path=path!("/login") view=sign_in ssr=SsrMode::Async />
            <Route path=path!("/signup") view=sign_up ssr=SsrMode::Async />
            <Route path=path!("/account") view=account ssr=SsrMode::Async />
            <Route path=path!("/account/sessions") view=sessions ssr=SsrMode::Async />
            <Route path=path!("/account/activity") view=activity ssr=SsrMode::Async />
            <Route path=path!("/account/security") view=security ssr=SsrMode::Async />
            <Route path=path!("/login/verify") view=second_step ssr=SsrMode::Async />
            <Route
                path=path!("/account/connections/:id/disconnect")
                view=disconnect
                ssr=SsrMode::Async
            />
            <Route path=path!("/connect/hetzner") view=connect_hetzner ssr=SsrMode::Async />
            <Route
                path=path!("/connect/digitalocean")
                view=connect_digitalocean
                ssr=SsrMode::Async
            />
            <Route path=path!("/projects/:id") view=project ssr=SsrMode::Async />
            <Route path=path!("/projects/:id/ssh-keys") view=ssh_keys ssr=SsrMode::Async />
            <Route path=path!("/projects/:id/snapshots") view=snapshots ssr=SsrMode::Async />
            <Route path=path!("/projects/:id/servers/:server_id") view=server ssr=SsrMode::Async />
            <Route
                path=path!("/projects/:id/servers/:server_id/delete")
                view=delete_server
                ssr=SsrMode::Async
            />
        </Routes>
    }
}

/// Every path the app links to has a route, and every route a path in
/// `paths.rs` (or a provider's connect path): the two tables cannot drift.
#[cfg(test)]
mod tests {
    use crate::paths;
    use crate::providers::{digitalocean, hetzner};

    /// The route patterns as `routes.rs` declares them.
    fn route_patterns() -> Vec<&'static str> {
        include_str!("routes.rs")
            .split("path!(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    /// Every page path the app builds, with sample ids, query strings cut.
    fn built_paths() -> Vec<String> {
        let page = |path: &str| path.split('?').next().unwrap_or(path).to_string();
        [
            paths::DASHBOARD.to_string(),
            paths::SIGN_IN.to_string(),
            paths::SIGN_UP.to_string(),
            paths::ACCOUNT.to_string(),
            paths::SESSIONS.to_string(),
            paths::ACTIVITY.to_string(),
            paths::SECURITY.to_string(),
            paths::SECURITY_AFTER_CHANGE.to_string(),
            paths::SECOND_STEP.to_string(),
            paths::project("c1"),
            paths::connected("c1", true),
            paths::project_ssh_keys("c1"),
            paths::project_snapshots("c1"),
            paths::server("c1", model::ServerId::new(42)),
            paths::delete_server("c1", model::ServerId::new(42)),
            paths::activity(Some("c1"), Some("cloud"), None),
            paths::disconnect("c1"),
            paths::with_next(paths::SIGN_IN, "/account"),
            hetzner::CONNECT_PATH.to_string(),
            digitalocean::CONNECT_PATH.to_string(),
        ]
        .iter()
        .map(|p| page(p))
        .collect()
    }

    fn matches(pattern: &str, path: &str) -> bool {
        let (pattern, path): (Vec<&str>, Vec<&str>) =
            (pattern.split('/').collect(), path.split('/').collect());
        pattern.len() == path.len()
            && pattern
                .iter()
                .zip(&path)
                .all(|(want, got)| want.starts_with(':') && !got.is_empty() || want == got)
    }

    #[test]
    fn every_built_path_has_a_route_and_every_route_a_path() {
        let routes = route_patterns();
        assert!(routes.len() >= 10, "{routes:?}");
        let built = built_paths();
        let unrouted: Vec<&String> = built
            .iter()
            .filter(|p| !routes.iter().any(|r| matches(r, p)))
            .collect();
        assert!(unrouted.is_empty(), "paths without a route: {unrouted:?}");
        let unbuilt: Vec<&&str> = routes
            .iter()
            .filter(|r| !built.iter().any(|p| matches(r, p)))
            .collect();
        assert!(unbuilt.is_empty(), "routes no path builds: {unbuilt:?}");
    }

    #[test]
    fn a_pattern_matches_only_paths_of_its_shape() {
        assert!(matches("/projects/:id/ssh-keys", "/projects/c1/ssh-keys"));
        assert!(!matches("/projects/:id/ssh-keys", "/projects/c1"));
        assert!(!matches("/projects/:id", "/projects/"));
        assert!(!matches("/account", "/account/sessions"));
    }
}
