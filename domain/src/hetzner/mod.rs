//! Everything Potions knows about the Hetzner Cloud API.

mod client;
mod error;
mod token;
mod types;

pub use client::{
    Answer, ClientConfig, HetznerClient, ListParams, RateLimit, RetryPolicy, DEFAULT_BASE_URL,
    MAX_PER_PAGE,
};
pub use error::{ErrorKind, HetznerError};
pub use token::{ApiToken, MalformedToken, TOKEN_LENGTH};
pub use types::*;
