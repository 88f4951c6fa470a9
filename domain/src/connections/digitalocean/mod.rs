//! DigitalOcean teams connected by OAuth: the flow (`flow.rs`: start, and
//! the callback), the state that binds a flow to its browser (`states.rs`),
//! tokens stored and used (`tokens.rs`) and refreshed one instance at a
//! time (`refresh.rs`), re-checking and disconnecting (`upkeep.rs`), calls
//! with a token that works (`access.rs`), and what a DigitalOcean error
//! means for a connection (`failure.rs`); what the operator configured
//! (`setup.rs`).

mod access;
mod failure;
mod flow;
mod refresh;
mod setup;
mod states;
mod tokens;
mod upkeep;

pub(crate) use failure::api_failure;
pub use flow::{Callback, Connected};
pub use refresh::REFRESH_AHEAD_SECS;
pub use setup::DigitalOceanSetup;
pub use upkeep::Disconnected;

pub const PROVIDER_DIGITALOCEAN: &str = model::Provider::DigitalOcean.stored_name();
