//! DigitalOcean behind the provisioning interface: the team opened for a
//! user (`team.rs`), the interface implemented for it (`provisioner.rs`),
//! its droplets' snapshots (`snapshots.rs`)
//! and its answers in the model's terms (`answers.rs`).

mod answers;
mod provisioner;
mod snapshots;
mod team;

pub(super) use team::DigitalOceanTeam;
