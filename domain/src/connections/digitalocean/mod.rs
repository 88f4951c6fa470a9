//! DigitalOcean teams connected by OAuth: the flow (`flow.rs`: start, and
//! the callback), the state that binds a flow to its browser (`states.rs`),
//! tokens stored and used (`tokens.rs`) and refreshed one instance at a
//! time (`refresh.rs`), re-checking and disconnecting (`upkeep.rs`), calls
//! with a token that works (`access.rs`), and what a DigitalOcean error
//! means for a connection (`failure.rs`).

mod access;
mod failure;
mod flow;
mod refresh;
mod states;
mod tokens;
mod upkeep;

pub(crate) use failure::api_failure;
pub use flow::{Callback, Connected};
pub use refresh::REFRESH_AHEAD_SECS;
pub use upkeep::Disconnected;

use crate::providers::digitalocean::{DigitalOceanClient, OAuthApp};

pub const PROVIDER_DIGITALOCEAN: &str = model::Provider::DigitalOcean.stored_name();

/// What the operator configured: the client, and the OAuth app it acts as.
#[derive(Clone, Debug)]
pub struct DigitalOceanSetup {
    pub client: DigitalOceanClient,
    pub app: OAuthApp,
    /// The consent page's origin, for every page's `form-action` (worked out once).
    oauth_origin: Option<String>,
}

impl DigitalOceanSetup {
    pub fn new(client: DigitalOceanClient, app: OAuthApp) -> Self {
        let origin = reqwest::Url::parse(&client.config().oauth_base_url)
            .ok()
            .map(|url| url.origin())
            .filter(|origin| origin.is_tuple());
        Self {
            oauth_origin: origin.map(|origin| origin.ascii_serialization()),
            client,
            app,
        }
    }
}
