//! Servers and what a provider offers to create them, in terms every
//! provider shares: the domain fills these from Hetzner's or DigitalOcean's
//! answers, and the project page and the create form show them as they are.

use serde::{Deserialize, Serialize};

/// A server (Hetzner) or droplet (DigitalOcean).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Server {
    pub id: crate::ServerId,
    pub name: String,
    pub status: String,
    /// Server type (Hetzner) or size (DigitalOcean).
    pub size: String,
    /// Location (Hetzner) or region (DigitalOcean).
    pub location: String,
    pub ipv4: Option<String>,
    /// The host address (`…::1`) of the server's /64.
    pub ipv6: Option<String>,
    pub created_at: Option<i64>,
    pub managed_by_potions: bool,
    pub delete_protected: bool,
}

/// One server in full, as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerDetails {
    pub server: Server,
    /// The image it was created or last rebuilt from, where the provider says.
    pub image: Option<String>,
    /// Hetzner's labels (`key=value`) or DigitalOcean's tags.
    pub labels: Vec<String>,
    /// `None` where the provider has no rebuild protection (DigitalOcean).
    pub rebuild_protected: Option<bool>,
    pub backups: bool,
    /// Whether the next start boots the provider's rescue system; `None`
    /// where its API has none (DigitalOcean).
    pub rescue: Option<bool>,
    /// The disk's size now: a resize that kept the disk keeps it, so a
    /// smaller type than this one no longer fits.
    pub disk_gb: f64,
    /// Each address with its reverse DNS name (Hetzner). DigitalOcean's
    /// follows the droplet's name, so it is empty there.
    pub reverse_dns: Vec<(String, String)>,
    /// Its type's monthly price in its location, where still sold there.
    pub monthly_price: Option<f64>,
    pub currency: Currency,
}

/// A snapshot of a server's disk, as its page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: i64,
    /// Hetzner's description or DigitalOcean's name (without Potions' mark).
    pub name: String,
    /// Its billed size; `None` while it is being made.
    pub size_gb: Option<f64>,
    pub created_at: Option<i64>,
    /// Whether it is still being made (Hetzner's `creating`).
    pub creating: bool,
    /// Why Potions took it (Hetzner's labels, DigitalOcean's name prefix);
    /// `None` when it was taken outside Potions.
    pub origin: Option<crate::snapshots::Origin>,
    /// The server it was taken of, by name where the provider says.
    pub from_server: Option<String>,
    /// The smallest disk a server made from it needs, in GB.
    pub min_disk_gb: Option<f64>,
    /// Hetzner's architecture (`x86`, `arm`); empty where it does not matter.
    pub architecture: String,
    /// Where a server can be made from it (DigitalOcean's regions); `None`
    /// for anywhere in the project.
    pub locations: Option<Vec<String>>,
    /// What it costs a month, in the catalogue's currency, where known.
    pub monthly_cost: Option<f64>,
}

/// Turning a server on or off, or restarting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerAction {
    PowerOn,
    /// Asks the operating system to shut down (ACPI): graceful.
    ShutDown,
    /// Cuts the power: may lose data.
    PowerOff,
    /// Asks the operating system to restart (ACPI).
    Reboot,
    /// Cuts the power and turns it on again: may lose data.
    Reset,
}

impl PowerAction {
    pub const ALL: [PowerAction; 5] = [
        Self::PowerOn,
        Self::ShutDown,
        Self::PowerOff,
        Self::Reboot,
        Self::Reset,
    ];

    /// Its name in a form or a URL (as serde writes it).
    pub fn param(self) -> &'static str {
        match self {
            Self::PowerOn => "power_on",
            Self::ShutDown => "shut_down",
            Self::PowerOff => "power_off",
            Self::Reboot => "reboot",
            Self::Reset => "reset",
        }
    }

    pub fn from_param(param: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.param() == param)
    }

    /// After "could not", when the provider's action failed.
    pub fn failed_to(self) -> &'static str {
        match self {
            Self::PowerOn => "power the server on",
            Self::ShutDown => "shut the server down",
            Self::PowerOff => "power the server off",
            Self::Reboot => "reboot the server",
            Self::Reset => "reset the server",
        }
    }

    /// What the page says once it is done.
    pub fn done(self) -> &'static str {
        match self {
            Self::PowerOn | Self::Reboot | Self::Reset => "The server is running.",
            Self::ShutDown | Self::PowerOff => "The server is off.",
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::PowerOn => "Power on",
            Self::ShutDown => "Shut down",
            Self::PowerOff => "Power off",
            Self::Reboot => "Reboot",
            Self::Reset => "Reset",
        }
    }

    /// What it does, under the button.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::PowerOn => "Starts the server.",
            Self::ShutDown => "Asks the operating system to shut down cleanly.",
            Self::PowerOff => {
                "Cuts the power at once, like pulling the plug: unsaved data may be lost."
            }
            Self::Reboot => "Asks the operating system to restart.",
            Self::Reset => "Cuts the power and turns it back on: unsaved data may be lost.",
        }
    }

    /// While it runs, for the progress line.
    pub fn underway(self) -> &'static str {
        match self {
            Self::PowerOn => "the server is starting",
            Self::ShutDown | Self::PowerOff => "the server is stopping",
            Self::Reboot | Self::Reset => "the server is restarting",
        }
    }

    /// Offered only where the server's status (either provider's word) allows it.
    pub fn allowed_when(self, status: &str) -> bool {
        let running = matches!(status, "running" | "active");
        match self {
            Self::PowerOn => status == "off",
            Self::ShutDown | Self::PowerOff | Self::Reboot | Self::Reset => running,
        }
    }
}

/// How prices read: Hetzner's include VAT, DigitalOcean's are in US dollars before tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Currency {
    EurWithVat,
    Usd,
}

impl Currency {
    /// E.g. `€4.51/month`, `$6.00/month`.
    pub fn monthly(self, amount: f64) -> String {
        match self {
            Self::EurWithVat => format!("€{amount:.2}/month"),
            Self::Usd => format!("${amount:.2}/month"),
        }
    }

    /// What the price includes, for the hint under the menu.
    pub fn note(self) -> &'static str {
        match self {
            Self::EurWithVat => "prices include VAT",
            Self::Usd => "prices exclude tax",
        }
    }
}

/// A location (Hetzner) or region (DigitalOcean).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    /// E.g. `fsn1 (Falkenstein, DE)`.
    pub description: String,
}

/// What a size costs in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub location: String,
    /// Monthly price, in the catalogue's currency.
    pub monthly: f64,
    /// The provider recommends ordering this size here.
    pub recommended: bool,
}

/// A server type (Hetzner) or droplet size (DigitalOcean).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Size {
    pub name: String,
    pub description: String,
    pub cores: i64,
    pub memory_gb: f64,
    pub disk_gb: f64,
    pub architecture: String,
    pub cpu_type: String,
    /// Only the locations where the size is sold now.
    pub prices: Vec<Price>,
}

impl Size {
    pub fn price_in(&self, location: &str) -> Option<f64> {
        self.prices
            .iter()
            .find(|p| p.location == location)
            .map(|p| p.monthly)
    }

    pub fn sold_in(&self, location: &str) -> bool {
        self.prices.iter().any(|p| p.location == location)
    }

    pub fn recommended_in(&self, location: &str) -> bool {
        self.prices
            .iter()
            .any(|p| p.location == location && p.recommended)
    }
}

/// A system image a server can be created from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub id: i64,
    pub description: String,
    pub architecture: String,
    /// Where the image can be used; `None` means everywhere.
    pub locations: Option<Vec<String>>,
}

impl Image {
    pub fn usable_in(&self, location: &str) -> bool {
        self.locations
            .as_ref()
            .is_none_or(|places| places.iter().any(|p| p == location))
    }
}

/// What a provider offers to create a server with, from its live API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub currency: Currency,
    /// What a snapshot costs per GB a month, where the provider says.
    pub snapshot_price_per_gb: Option<f64>,
    pub locations: Vec<Place>,
    pub sizes: Vec<Size>,
    pub images: Vec<Image>,
}

/// An SSH key in the connected project or team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SshKey {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub created_at: Option<i64>,
    /// The user's own Potions key, which every new server gets.
    pub is_potions_key: bool,
}

/// Everything the create form offers (cached a few minutes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateServerChoices {
    pub catalogue: Catalogue,
    pub ssh_keys: Vec<SshKey>,
}

/// How far the provider's actions creating a server have come.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// `None` while the provider does not say how far it is (DigitalOcean).
    pub percent: Option<i64>,
    pub done: bool,
    pub failed: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::PowerAction;

    #[test]
    fn power_actions_are_named_in_forms_as_serde_names_them() {
        for action in PowerAction::ALL {
            let json = format!("\"{}\"", action.param());
            assert_eq!(
                serde_json::from_str::<PowerAction>(&json).ok(),
                Some(action)
            );
            assert_eq!(PowerAction::from_param(action.param()), Some(action));
        }
        assert!(PowerAction::PowerOn.allowed_when("off"));
        assert!(!PowerAction::PowerOn.allowed_when("running"));
        assert!(
            PowerAction::Reboot.allowed_when("active") && !PowerAction::Reboot.allowed_when("off")
        );
    }

    use super::*;

    #[test]
    fn prices_read_in_their_currency() {
        assert_eq!(Currency::EurWithVat.monthly(4.510000001), "€4.51/month");
        assert_eq!(Currency::Usd.monthly(6.0), "$6.00/month");
    }

    #[test]
    fn a_size_is_sold_and_priced_only_where_listed() {
        let size = Size {
            name: "cx22".into(),
            description: String::new(),
            cores: 2,
            memory_gb: 4.0,
            disk_gb: 40.0,
            architecture: "x86".into(),
            cpu_type: "shared".into(),
            prices: vec![Price {
                location: "fsn1".into(),
                monthly: 4.51,
                recommended: true,
            }],
        };
        assert!(size.sold_in("fsn1") && size.recommended_in("fsn1"));
        assert_eq!(size.price_in("fsn1"), Some(4.51));
        assert!(!size.sold_in("hel1") && !size.recommended_in("hel1"));
        assert_eq!(size.price_in("hel1"), None);
    }
}
