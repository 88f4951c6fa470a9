//! What the provider fakes (`hetzner-fake`, `digitalocean-fake`) share:
//! faults injected on demand, the record of every exchange, the misbehaving
//! answers, the check of recorded answers against an OpenAPI description,
//! and running a provider's own Python client against a fake.

pub mod admin;
pub mod faults;
#[cfg(feature = "schema-check")]
pub mod openapi;
pub mod path;
/// Tests only, with the schema check: the providers' own clients.
#[cfg(feature = "schema-check")]
pub mod sdk;
pub mod server;
pub mod shared;
pub mod ssh;
pub mod transport;

pub use faults::{Fault, FaultKind};
pub use server::Server;
pub use shared::{FakeState, Shared};

use serde_json::Value;

/// One request a fake answered, with the JSON body it sent.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub body: Option<Value>,
    /// A hang, a drop or a non-JSON body: deliberately unlike the API.
    pub malformed_on_purpose: bool,
}
