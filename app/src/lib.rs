//! Potions' user interface: routes, pages and the server functions beside
//! the views that call them. Compiled twice: with `ssr` into the server, with
//! `hydrate` into the browser's WebAssembly.

pub mod account;
pub mod activity;
pub mod auth;
pub mod components;
pub mod connections;
pub mod error;
pub mod format;
pub mod nav;
pub mod not_found;
pub mod paths;
pub mod projects;
pub mod providers;
pub mod routes;
pub mod servers;
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod wire;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::Router;

use crate::nav::TopNav;
use crate::routes::AppRoutes;
use crate::session::Auth;

/// The HTML document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos::nonce::use_nonce;
    use leptos_meta::MetaTags;

    if let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        // Forms may also lead to DigitalOcean's consent page (Continue, Reconnect).
        let state = use_context::<crate::ssr::AppState>();
        let oauth_origin = state
            .as_ref()
            .and_then(|state| state.connections.digitalocean_oauth_origin());
        let policy = content_security_policy(&nonce, oauth_origin);
        if let Ok(policy) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HydrationScripts options />
                <link rel="stylesheet" id="leptos" href="/pkg/potions.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Scripts only from our origin, plus the one inline hydration script that
/// carries this response's nonce; WebAssembly may compile. Forms post to our
/// origin, and may be redirected on to `oauth_origin` (browsers hold the
/// redirect after a form post to `form-action` too).
#[cfg(feature = "ssr")]
pub fn content_security_policy(nonce: &str, oauth_origin: Option<&str>) -> String {
    let oauth_origin = oauth_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'{oauth_origin}; frame-ancestors 'none'"
    )
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // A marker end-to-end tests and benchmarks wait for: effects run only
    // in the browser, once hydration has finished.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|title: String| format!("{title} · Potions") />
        <Router>
            <Layout />
        </Router>
    }
}

/// Everything inside the router. Actions are made inside it, on their pages,
/// where the router has restored a no-JavaScript form error from the URL for
/// them to pick up.
#[component]
fn Layout() -> impl IntoView {
    Auth::provide();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <TopNav />
        <main id="main" class="page">
            <AppRoutes />
        </main>
    }
}
