//! The small design system's building blocks, shared by every page.

mod ask_again;
mod copyable;
mod form;
mod interactive;
mod loaded;
mod page_head;
mod signed_in;
mod snapshot_first;

pub use ask_again::AskAgainFields;
pub use copyable::{CopyButton, Copyable};
pub use form::{form_error, hint_id, ErrorNotice, Field, SubmitButton};
pub use interactive::hydrated;
pub use loaded::{built_once_on_the_server, Loaded};
pub use page_head::AccountPageHead;
pub use signed_in::{signed_in_or, RequireUser};
pub use snapshot_first::SnapshotFirst;
