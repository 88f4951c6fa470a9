//! Hetzner projects connected by API token: proving a token reads and
//! writes (`token_check.rs`) and what a Hetzner error means to the user
//! (`failure.rs`).

mod failure;
mod token_check;

pub(crate) use failure::{provisioning_failure, token_check_failure};
pub(super) use token_check::{one_server, server_count};
