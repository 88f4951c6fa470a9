//! The cloud providers Potions connects to, and what differs between them
//! in words: names, where users manage servers without Potions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provider {
    Hetzner,
    DigitalOcean,
}

impl Provider {
    /// The providers a user can connect on this instance, in Dashboard order.
    pub const CONNECTABLE: [Provider; 2] = [Provider::Hetzner, Provider::DigitalOcean];

    /// The provider as a connection row stores it.
    pub const fn stored_name(self) -> &'static str {
        match self {
            Self::Hetzner => "hetzner",
            Self::DigitalOcean => "digitalocean",
        }
    }

    /// The provider a connection row names, if it is one Potions knows.
    pub fn from_stored_name(stored: &str) -> Option<Self> {
        Self::CONNECTABLE
            .into_iter()
            .find(|p| p.stored_name() == stored)
    }

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
        self.stored_name()
    }

    /// Where users manage their servers without Potions.
    pub fn console_name(self) -> &'static str {
        match self {
            Self::Hetzner => "Hetzner Cloud Console",
            Self::DigitalOcean => "DigitalOcean control panel",
        }
    }

    /// What the provider calls where a server runs.
    pub fn place_word(self) -> &'static str {
        match self {
            Self::Hetzner => "Location",
            Self::DigitalOcean => "Region",
        }
    }

    /// What the provider calls a server's size.
    pub fn size_word(self) -> &'static str {
        match self {
            Self::Hetzner => "Server type",
            Self::DigitalOcean => "Size",
        }
    }

    /// [`Self::size_word`] inside a sentence.
    pub fn size_noun(self) -> &'static str {
        match self {
            Self::Hetzner => "server type",
            Self::DigitalOcean => "size",
        }
    }

    /// Shown while the create form's menus load.
    pub fn loading_catalogue(self) -> &'static str {
        match self {
            Self::Hetzner => "Loading locations, server types and images from Hetzner…",
            Self::DigitalOcean => "Loading regions, sizes and images from DigitalOcean…",
        }
    }

    /// How connecting works, in one sentence for the Providers card.
    pub fn how_to_connect(self) -> &'static str {
        match self {
            Self::Hetzner => "Connect a project with a project-scoped API token.",
            Self::DigitalOcean => "Connect a team: sign in at DigitalOcean and approve Potions.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_read_back_as_their_provider() {
        for provider in Provider::CONNECTABLE {
            assert_eq!(
                Provider::from_stored_name(provider.stored_name()),
                Some(provider)
            );
        }
        assert_eq!(Provider::from_stored_name("Hetzner"), None);
        assert_eq!(Provider::from_stored_name(""), None);
    }
}
