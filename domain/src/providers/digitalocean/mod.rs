//! Everything Potions knows about DigitalOcean: the OAuth host (code
//! exchange, refresh, revoke) and API v2. The only code that talks to it.

mod client;
mod config;
mod endpoints;
mod error;
mod oauth;
mod secrets;
mod types;

pub use client::{Answer, DigitalOceanClient};
pub use config::{DigitalOceanConfig, OAuthApp, DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL};
pub use error::{DigitalOceanError, ErrorKind, OAuthErrorKind};
pub use oauth::{authorize_url, Pkce, TokenGrant, TokenInfo, SCOPES};
pub use secrets::{AccessToken, AuthorizationCode, ClientSecret, PkceVerifier, RefreshToken};
pub use types::*;
