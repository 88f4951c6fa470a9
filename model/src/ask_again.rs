//! What a step that destroys or takes a safety net away asks for, besides
//! the typed name: the server decides, the form shows the field.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AskAgain {
    /// No authenticator: the password.
    Password,
    /// A code from the authenticator (or a recovery code): its last check
    /// in this session is over five minutes old.
    Code,
    /// The authenticator was checked in this session within five minutes:
    /// the name is enough until then.
    Recent,
}
