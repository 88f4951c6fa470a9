//! The server-side core of Potions: the database, accounts and how people
//! prove who they are, secrets at rest, connected clouds, the providers'
//! clients and provisioning through them, snapshot schedules and the safety
//! net before risky steps, the activity log. Nothing here is compiled for
//! the browser.

pub mod accounts;
pub mod activity;
pub mod clock;
pub mod connections;
pub mod crypto;
pub mod db;
pub mod error;
pub mod providers;
pub mod provisioning;
pub mod safety_net;
pub mod schedules;
pub mod signed_in;
pub mod ssh;

pub use db::Database;
pub use error::{DomainError, Refusal};
