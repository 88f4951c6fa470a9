//! The small design system's building blocks, shared by every page.

mod copyable;
mod form;
mod interactive;
mod loaded;
mod page_head;

pub use copyable::{CopyButton, Copyable};
pub use form::{form_error, ErrorNotice, SubmitButton};
pub use interactive::hydrated;
pub use loaded::Loaded;
pub use page_head::AccountPageHead;
