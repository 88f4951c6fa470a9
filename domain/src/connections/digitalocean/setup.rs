//! What the operator configured for DigitalOcean: the API client and the
//! OAuth app Potions acts as.

use crate::providers::digitalocean::{DigitalOceanClient, OAuthApp};

/// What the operator configured: the client, and the OAuth app it acts as.
#[derive(Clone, Debug)]
pub struct DigitalOceanSetup {
    pub client: DigitalOceanClient,
    pub app: OAuthApp,
    /// The consent page's origin, for every page's `form-action` (worked out once).
    pub(super) oauth_origin: Option<String>,
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
