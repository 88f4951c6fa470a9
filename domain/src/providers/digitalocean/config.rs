//! Where the client sends, how long it waits, how it retries, and the OAuth app.

use std::time::Duration;

use super::secrets::ClientSecret;
use crate::providers::http::RetryPolicy;

pub const DEFAULT_API_BASE_URL: &str = "https://api.digitalocean.com";
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://cloud.digitalocean.com/v1/oauth";

#[derive(Debug, Clone)]
pub struct DigitalOceanConfig {
    /// The API host, without `/v2`.
    pub api_base_url: String,
    /// The OAuth base, ending in `/v1/oauth`.
    pub oauth_base_url: String,
    pub connect_timeout: Duration,
    /// Per attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
    /// No list Potions reads is longer than this many pages.
    pub max_pages: u32,
    /// How often an action is polled while waiting for it.
    pub action_poll_interval: Duration,
}

impl Default for DigitalOceanConfig {
    fn default() -> Self {
        Self {
            api_base_url: DEFAULT_API_BASE_URL.into(),
            oauth_base_url: DEFAULT_OAUTH_BASE_URL.into(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_response_bytes: 8 * 1024 * 1024,
            retry: RetryPolicy::default(),
            max_pages: 50,
            action_poll_interval: Duration::from_secs(3),
        }
    }
}

/// The OAuth app registered in DigitalOcean's control panel.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: ClientSecret,
    /// `<public URL>/connect/digitalocean/callback`, exactly as registered.
    pub redirect_uri: String,
}
