//! Hetzner behind the provisioning interface: the project opened for a
//! user (`project.rs`), the interface implemented for it
//! (`provisioner.rs`), its snapshots (`snapshots.rs`) and its answers in
//! the model's terms (`answers.rs`).

mod answers;
mod project;
mod provisioner;
mod snapshots;

pub(super) use project::HetznerProject;
