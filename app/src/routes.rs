//! The route table: which page file answers which URL. Paths the app links
//! to are built in `paths.rs`.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use crate::activity::account_activity::AccountActivityPage;
use crate::auth::{
    security::SecurityPage, sessions::SessionsPage, sign_in::SignInPage, sign_up::SignUpPage,
    verify::SecondStepPage,
};
use crate::connections::{
    account::AccountPage, dashboard::DashboardPage, disconnect::DisconnectPage,
};
use crate::not_found::NotFoundPage;
use crate::projects::{
    delete_server::DeleteServerPage, project::ProjectPage, ssh_keys::SshKeysPage,
};
use crate::providers::digitalocean::connect::ConnectDigitalOceanPage;
use crate::providers::hetzner::connect::ConnectHetznerPage;

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
    DeleteServer shows DeleteServerPage;
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
            <Route
                path=path!("/projects/:id/servers/:server_id/delete")
                view=delete_server
                ssr=SsrMode::Async
            />
        </Routes>
    }
}
