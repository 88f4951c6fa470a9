//! How the client behaves: where it sends, how long it waits, how it retries.

use std::time::Duration;

pub use crate::providers::http::RetryPolicy;

pub const DEFAULT_BASE_URL: &str = "https://api.hetzner.cloud/v1";

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Per attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_response_bytes: 8 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}
