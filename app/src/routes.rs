//! The route table: which page file answers which URL. Paths the app links
//! to are built in `paths.rs`.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, SsrMode};

use crate::auth::{sign_in::SignInPage, sign_up::SignUpPage};
use crate::connections::{
    account::AccountPage, dashboard::DashboardPage, disconnect::DisconnectPage,
};
use crate::not_found::NotFoundPage;
use crate::projects::{
    delete_server::DeleteServerPage, project::ProjectPage, ssh_keys::SshKeysPage,
};
use crate::providers::hetzner::connect::ConnectHetznerPage;

/// Every page renders in full on the server (`SsrMode::Async`), so it works
/// before the WebAssembly loads and without JavaScript.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFoundPage>
            <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
            <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async />
            <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async />
            <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
            <Route
                path=path!("/account/connections/:id/disconnect")
                view=DisconnectPage
                ssr=SsrMode::Async
            />
            <Route path=path!("/connect/hetzner") view=ConnectHetznerPage ssr=SsrMode::Async />
            <Route path=path!("/projects/:id") view=ProjectPage ssr=SsrMode::Async />
            <Route path=path!("/projects/:id/ssh-keys") view=SshKeysPage ssr=SsrMode::Async />
            <Route
                path=path!("/projects/:id/servers/:server_id/delete")
                view=DeleteServerPage
                ssr=SsrMode::Async
            />
        </Routes>
    }
}
