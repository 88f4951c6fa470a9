//! What the provider clients (Hetzner, DigitalOcean) share: the HTTP client
//! they are built on, the retry policy with capped, jittered backoff, the
//! Bearer header, reading an answer under a size cap, and the rate-limit headers.

use rand::Rng as _;
use reqwest::header::{HeaderMap, HeaderValue};
use std::time::Duration;
use zeroize::Zeroizing;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A call (all attempts and waits) ends by this deadline.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            deadline: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// Full jitter: anywhere from nothing to the capped exponential delay.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.min(16));
        exp.min(self.max_delay)
            .mul_f64(rand::thread_rng().gen_range(0.0..=1.0))
    }
}

/// One pool per provider, with timeouts; redirects are never followed, so a
/// token is never sent anywhere but the configured host.
pub fn http_client(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("potions/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// `Authorization: Bearer …`, marked sensitive so HTTP/2 never indexes it and
/// Debug never shows it; the text it was built from is zeroed.
pub fn bearer(secret: &str) -> Option<HeaderValue> {
    let text = Zeroizing::new(format!("Bearer {secret}"));
    let mut value = HeaderValue::from_str(&text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Why an answer's body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFailure {
    TooLarge,
    Timeout,
    Transport,
}

impl ReadFailure {
    pub fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport
        }
    }
}

/// The whole body, or a failure as soon as it grows past `max_bytes`.
pub async fn read_capped(
    response: &mut reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, ReadFailure> {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > max_bytes {
                    return Err(ReadFailure::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) => return Err(ReadFailure::of(&e)),
        }
    }
}

/// The rate-limit headers both providers send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// UNIX seconds when the allowance is full again.
    pub reset_at: i64,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| header_number(headers, name);
        Some(Self {
            limit: u64::try_from(number("ratelimit-limit")?).ok()?,
            remaining: u64::try_from(number("ratelimit-remaining")?).ok()?,
            reset_at: number("ratelimit-reset")?,
        })
    }
}

/// A header holding a whole number, e.g. `retry-after`.
pub fn header_number(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok()
}
