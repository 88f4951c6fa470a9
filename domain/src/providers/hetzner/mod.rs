//! Everything Potions knows about the Hetzner Cloud API.

mod answer;
mod client;
mod config;
mod endpoints;
mod error;
mod token;
mod types;

pub use answer::{Answer, ListParams, RateLimit, MAX_PER_PAGE};
pub use client::HetznerClient;
pub use config::{ClientConfig, RetryPolicy, DEFAULT_BASE_URL};
pub use error::{ErrorKind, HetznerError};
pub use token::{ApiToken, MalformedToken, TOKEN_LENGTH};
pub use types::*;
