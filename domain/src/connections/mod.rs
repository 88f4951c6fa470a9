//! Connected clouds (a Hetzner project by API token, a DigitalOcean team by
//! OAuth): their access checked and kept sealed, the user's Potions SSH key
//! in each, and server counts.
//!
//! | file | job |
//! |---|---|
//! | `record.rs` | what a connection is: status, label rules |
//! | `store.rs` | every SQL statement on `connections` |
//! | `user_key.rs` | the user's Potions key pair |
//! | `service.rs` | the `Connections` service and what it holds |
//! | `hetzner/` | proving a token reads and writes; Hetzner's errors in the user's terms |
//! | `lifecycle.rs` | connect, re-check, replace, rename, disconnect |
//! | `check_limits.rs` | how many token checks a user and a token get |
//! | `server_counts.rs` | the Dashboard's server counts, cached |
//! | `digitalocean/` | teams connected by OAuth, their tokens and refresh |

mod check_limits;
pub mod digitalocean;
pub(crate) mod hetzner;
mod lifecycle;
mod record;
mod server_counts;
mod service;
mod store;
mod user_key;

pub use check_limits::CheckLimits;
pub use hetzner::{is_managed_by_potions, managed_labels, MANAGED_BY, PROVIDER_HETZNER};
pub use record::{normalize_label, Connection, ConnectionStatus, DEFAULT_LABEL, MAX_LABEL_CHARS};
pub use server_counts::Counted;
pub use service::Connections;
pub(crate) use store::CONNECTION_COLUMNS;
