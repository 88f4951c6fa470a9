//! The top navigation: product name, Dashboard, the user's avatar, and the
//! session's warning (shown on every page) when the server has one.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::built_once_on_the_server;
use crate::paths::{ACCOUNT, ACTIVITY, DASHBOARD, SIGN_IN, SIGN_UP};
use crate::session::use_auth;

#[component]
pub fn TopNav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="topnav">
            <nav aria-label="Main" class="topnav-inner">
                <A href=DASHBOARD attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "⚗"
                    </span>
                    "Potions"
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = auth.user.await;
                        built_once_on_the_server().await;
                        match user {
                            Ok(Some(user)) => {
                                let label = format!("Account ({})", user.email);
                                let initials = user.initials();
                                let warning = user
                                    .warning
                                    .map(|warning| {
                                        // The session's warning, on its own row of the bar.
                                        view! {
                                            <p
                                                class="notice notice-warning topnav-warning"
                                                role="status"
                                            >
                                                {warning}
                                                " "
                                                <A href=ACTIVITY>"Review your activity"</A>
                                            </p>
                                        }
                                    });
                                view! {
                                    <A href=DASHBOARD attr:class="nav-link">
                                        "Dashboard"
                                    </A>
                                    <A
                                        href=ACCOUNT
                                        attr:class="avatar"
                                        attr:aria-label=label
                                        attr:title=user.email
                                    >
                                        <span aria-hidden="true">{initials}</span>
                                    </A>
                                    {warning}
                                }
                                    .into_any()
                            }
                            _ => {
                                view! {
                                    <A href=SIGN_IN attr:class="nav-link">
                                        "Sign in"
                                    </A>
                                    <A href=SIGN_UP attr:class="button button-primary button-small">
                                        "Sign up"
                                    </A>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}
