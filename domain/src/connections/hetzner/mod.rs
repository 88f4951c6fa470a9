//! Hetzner projects connected by API token: proving a token reads and
//! writes (`token_check.rs`) and what a Hetzner error means to the user
//! (`failure.rs`), and the labels on what Potions creates there
//! (`labels.rs`).

mod failure;
mod labels;
mod token_check;

pub(crate) use failure::{provisioning_failure, token_check_failure};
pub use labels::{is_managed_by_potions, managed_labels, MANAGED_BY};
pub(super) use token_check::{one_server, server_count};

pub const PROVIDER_HETZNER: &str = model::Provider::Hetzner.stored_name();
