//! A project: the cloud project reached through one connection (the URL
//! `/projects/:id` carries the connection's id). Its servers, creating and
//! deleting them with live progress, and its SSH keys. Provider-neutral: the
//! server functions ask the domain, which asks the connection's provider.

pub mod create_server;
pub mod delete_server;
pub mod progress;
pub mod project;
pub mod server_fns;
pub mod ssh_keys;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::connections::ConnectionStatus;
use crate::providers::Provider;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerSummary {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub server_type: String,
    pub location: String,
    pub ipv4: Option<String>,
    /// The host address (`…::1`) of the server's /64.
    pub ipv6: Option<String>,
    pub created_at: Option<i64>,
    pub managed_by_potions: bool,
    pub delete_protected: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectOverview {
    pub connection_id: String,
    pub provider: Provider,
    pub label: String,
    pub status: ConnectionStatus,
    pub servers: Vec<ServerSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocationChoice {
    pub name: String,
    /// E.g. `fsn1 (Falkenstein, DE)`.
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocationPrice {
    pub location: String,
    /// Monthly price, in the choices' currency.
    pub monthly: f64,
    /// Hetzner recommends ordering this type here.
    pub recommended: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerTypeChoice {
    pub name: String,
    pub description: String,
    pub cores: i64,
    pub memory_gb: f64,
    pub disk_gb: f64,
    pub architecture: String,
    pub cpu_type: String,
    /// Only the locations where the type is sold.
    pub prices: Vec<LocationPrice>,
}

impl ServerTypeChoice {
    pub fn price_in(&self, location: &str) -> Option<f64> {
        self.prices
            .iter()
            .find(|p| p.location == location)
            .map(|p| p.monthly)
    }

    pub fn recommended_in(&self, location: &str) -> bool {
        self.prices
            .iter()
            .any(|p| p.location == location && p.recommended)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageChoice {
    pub id: i64,
    pub description: String,
    pub architecture: String,
    /// Where the image can be used; `None` means everywhere.
    pub locations: Option<Vec<String>>,
}

impl ImageChoice {
    pub fn usable_in(&self, location: &str) -> bool {
        self.locations
            .as_ref()
            .is_none_or(|places| places.iter().any(|p| p == location))
    }
}

/// How prices read: Hetzner's include VAT, DigitalOcean's are in US dollars before tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceCurrency {
    EurWithVat,
    Usd,
}

impl PriceCurrency {
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SshKeySummary {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub created_at: Option<i64>,
    /// The user's own Potions key, which every new server gets.
    pub is_potions_key: bool,
}

/// Everything the create form offers, from the live API (cached a few minutes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateServerChoices {
    pub currency: PriceCurrency,
    pub locations: Vec<LocationChoice>,
    pub server_types: Vec<ServerTypeChoice>,
    pub images: Vec<ImageChoice>,
    pub ssh_keys: Vec<SshKeySummary>,
}

/// How far the provider's create and start actions have come.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvisioningProgress {
    /// `None` while the provider does not say how far it is.
    pub percent: Option<i64>,
    pub done: bool,
    pub failed: Option<String>,
}

/// The connection id from the URL.
fn connection_id_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").unwrap_or_default())
}

/// Shown instead of a project that is not (or no longer) connected.
#[component]
fn NotConnected() -> impl IntoView {
    let provider = Provider::Hetzner;
    view! {
        <section class="card narrow">
            <h1>"This project isn't connected"</h1>
            <p>
                "It may have been disconnected. Potions sends nothing to Hetzner for it until you \
                    connect it again; its servers keep running and can be managed in the Hetzner \
                    Cloud Console."
            </p>
            <A href=provider.connect_path() attr:class="button button-primary">
                {format!("Reconnect {}", provider.name())}
            </A>
        </section>
    }
}

/// `NotConnected` for a missing connection, the usual notice otherwise.
fn project_error(err: crate::error::AppError) -> AnyView {
    match err {
        crate::error::AppError::ConnectionNotFound => view! { <NotConnected /> }.into_any(),
        err => view! { <crate::components::ErrorNotice error=err /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_in_their_currency() {
        assert_eq!(
            PriceCurrency::EurWithVat.monthly(4.510000001),
            "€4.51/month"
        );
        assert_eq!(PriceCurrency::Usd.monthly(6.0), "$6.00/month");
    }
}
