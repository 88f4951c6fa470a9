//! The small design system's building blocks, shared by every page.

mod copyable;
mod form;
mod loaded;

pub use copyable::Copyable;
pub use form::{form_error, ErrorNotice, SubmitButton};
pub use loaded::Loaded;
