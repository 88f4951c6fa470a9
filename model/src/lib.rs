//! The words the browser and the server share, defined once and compiled
//! into both builds: which providers there are, how a connection stands,
//! what the activity log records,
//! snapshots and their schedules,
//! servers and what a provider offers to create them, and the input rules
//! both sides check. Plain data and pure functions only (serde, nothing
//! server-only), so the WebAssembly build can depend on it.

pub mod activity;
pub mod ask_again;
pub mod connection;
pub mod ids;
pub mod limits;
pub mod provider;
pub mod provisioning;
pub mod refusal;
pub mod snapshots;

pub use ask_again::AskAgain;
pub use connection::ConnectionStatus;
pub use ids::{ConnectionId, ServerId, UserId};
pub use provider::Provider;
pub use refusal::Refusal;
