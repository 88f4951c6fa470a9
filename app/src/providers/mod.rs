//! What differs between cloud providers, in one enum: names, where users
//! connect, and what to do when a provider stops accepting Potions' access.
//! Everything else (the connection list, statuses, the project page, the
//! create form, progress, SSH keys) is provider-neutral and lives elsewhere.

pub mod digitalocean;
pub mod hetzner;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Provider {
    Hetzner,
    DigitalOcean,
}

impl Provider {
    /// The providers a user can connect on this instance, in Dashboard order.
    pub const CONNECTABLE: [Provider; 2] = [Provider::Hetzner, Provider::DigitalOcean];

    pub fn name(self) -> &'static str {
        match self {
            Self::Hetzner => "Hetzner Cloud",
            Self::DigitalOcean => "DigitalOcean",
        }
    }

    /// The provider in running text ("keep running on Hetzner").
    pub fn short_name(self) -> &'static str {
        match self {
            Self::Hetzner => "Hetzner",
            Self::DigitalOcean => "DigitalOcean",
        }
    }

    /// The provider in element ids (`provider-hetzner-hint`). Written out, not
    /// lower-cased: lower-casing would bring Unicode's case tables (12 KB
    /// gzip) into the browser's bundle.
    pub fn id_part(self) -> &'static str {
        match self {
            Self::Hetzner => "hetzner",
            Self::DigitalOcean => "digitalocean",
        }
    }

    /// Where users manage their servers without Potions.
    pub fn console_name(self) -> &'static str {
        match self {
            Self::Hetzner => "Hetzner Cloud Console",
            Self::DigitalOcean => "DigitalOcean control panel",
        }
    }

    /// Shown while the create form's menus load.
    pub fn loading_catalogue(self) -> &'static str {
        match self {
            Self::Hetzner => "Loading locations, server types and images from Hetzner…",
            Self::DigitalOcean => "Loading regions, sizes and images from DigitalOcean…",
        }
    }

    /// The page that connects a new project of this provider.
    pub fn connect_path(self) -> &'static str {
        match self {
            Self::Hetzner => hetzner::CONNECT_PATH,
            Self::DigitalOcean => digitalocean::CONNECT_PATH,
        }
    }

    /// How connecting works, in one sentence for the Providers card.
    pub fn how_to_connect(self) -> &'static str {
        match self {
            Self::Hetzner => "Connect a project with a project-scoped API token.",
            Self::DigitalOcean => "Connect a team: sign in at DigitalOcean and approve Potions.",
        }
    }

    /// The provider as the domain stores it.
    #[cfg(feature = "ssr")]
    pub fn from_domain(provider: &str) -> Option<Self> {
        match provider {
            domain::connections::PROVIDER_HETZNER => Some(Self::Hetzner),
            domain::connections::digitalocean::PROVIDER_DIGITALOCEAN => Some(Self::DigitalOcean),
            _ => None,
        }
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
