//! What differs between cloud providers in the pages: where users connect,
//! and what to do when a provider stops accepting Potions' access (the
//! names and words are `model::Provider`'s).
//! Everything else (the connection list, statuses, the project page, the
//! create form, progress, SSH keys) is provider-neutral and lives elsewhere.

pub mod digitalocean;
pub mod hetzner;

use leptos::prelude::*;
pub use model::Provider;

/// The page that connects a new project of this provider.
pub fn connect_path(provider: Provider) -> &'static str {
    match provider {
        Provider::Hetzner => hetzner::CONNECT_PATH,
        Provider::DigitalOcean => digitalocean::CONNECT_PATH,
    }
}

/// What to check when the provider rejected a connection's access.
#[component]
pub fn NeedsAttentionAdvice(provider: Provider) -> impl IntoView {
    match provider {
        Provider::Hetzner => view! { <hetzner::TokenRejectedAdvice /> }.into_any(),
        Provider::DigitalOcean => view! { <digitalocean::AccessLostAdvice /> }.into_any(),
    }
}

/// The project page's way to give Potions working access again.
#[component]
pub fn RestoreAccess(provider: Provider, connection_id: String) -> impl IntoView {
    match provider {
        Provider::Hetzner => {
            view! { <hetzner::replace_token::ReplaceToken connection_id /> }.into_any()
        }
        Provider::DigitalOcean => {
            view! { <digitalocean::connect::Reconnect connection_id /> }.into_any()
        }
    }
}
