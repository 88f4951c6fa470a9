//! Hetzner Cloud: connected by pasting a project-scoped API token.

pub mod connect;
pub mod replace_token;
pub mod server_fns;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::paths::ACCOUNT;

pub const CONNECT_PATH: &str = "/connect/hetzner";
pub const CONSOLE_URL: &str = "https://console.hetzner.cloud/";
pub const TOKEN_GUIDE_URL: &str =
    "https://docs.hetzner.com/cloud/api/getting-started/generating-api-token/";
pub const SIGN_UP_URL: &str = "https://accounts.hetzner.com/signUp";

#[component]
pub fn TokenRejectedAdvice() -> impl IntoView {
    view! {
        <p class="hint">
            "Hetzner rejected this project's token. Check that the token still exists in the \
                Hetzner Cloud Console and has Read & Write permissions, then Re-check it on "
            <A href=ACCOUNT>"Account"</A> "."
        </p>
    }
}

/// The Dashboard's help for someone with nothing connected yet.
#[component]
pub fn FirstProjectHelp() -> impl IntoView {
    view! {
        <div class="empty-state">
            <p>
                "Connect your first Hetzner Cloud project: click Connect next to Hetzner Cloud, \
                    paste a Read & Write API token, and Potions can create servers there."
            </p>
            <p class="muted">
                "Don't have a Hetzner account yet? "
                <a href=SIGN_UP_URL rel="noopener noreferrer" target="_blank">
                    "Create one here"
                </a>
                ". You'll need an active payment method on your account before Potions can create servers."
            </p>
        </div>
    }
}
