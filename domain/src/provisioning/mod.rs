//! Provisioning in a connected project or team: servers, SSH keys and the
//! catalogue the create form offers, through the connection's access. One
//! interface (`provisioner.rs`) with one implementation per provider
//! (`hetzner/`, `digitalocean/`); the actions on one server, checked
//! before they are sent (`server_actions.rs`), its snapshots
//! (`snapshots.rs`); a request checked against the
//! catalogue, and what changed, for the activity log (`changes.rs`). The web
//! layer never names a provider.

mod changes;
mod digitalocean;
mod hetzner;
mod provisioner;
mod server_actions;
mod snapshots;

pub use changes::{
    check_against, cloud_change_entry, AddedKey, Changed, CreatedServer, NewServer, Refused,
    Started,
};
pub use model::provisioning::{
    Catalogue, Currency, Image, Place, PowerAction, Price, Progress, Server, ServerDetails, Size,
    Snapshot, SshKey,
};
pub(crate) use provisioner::Provisioner;
pub use provisioner::Provisioning;
