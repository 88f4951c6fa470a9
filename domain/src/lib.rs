//! The server-side core of Potions: persistence, accounts, sessions and
//! sign-in throttling. Nothing here is compiled for the browser.

pub mod accounts;
pub mod activity;
pub mod clock;
pub mod connections;
pub mod crypto;
pub mod db;
pub mod digitalocean;
pub mod error;
pub mod hetzner;
pub mod instances;
pub mod password;
pub mod provider_failure;
pub mod provider_http;
pub mod provisioning;
pub mod second_factor;
pub mod secrets;
pub mod sessions;
pub mod signed_in;
pub mod ssh;
pub mod stored_keys;
pub mod throttle;

pub use db::Database;
pub use error::{DomainError, Refusal};
