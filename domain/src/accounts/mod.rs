//! Accounts and how people prove who they are: sign-up and sign-in
//! (`users.rs`), password hashing (`password.rs`), sessions
//! (`sessions.rs`), throttles on guessing (`throttle.rs`) and second
//! factors (`second_factor/`).

pub mod password;
pub mod second_factor;
pub mod sessions;
pub mod throttle;
mod users;

pub use users::*;
