//! Hetzner behind the provisioning interface: the project opened for a
//! user (`project.rs`) and its answers in the model's terms (`answers.rs`).

mod answers;
mod project;

pub(super) use project::HetznerProject;
