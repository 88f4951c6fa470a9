//! The one place where failures become what a user reads: every one is a
//! `model::Refusal`, with its HTTP status and its words beside it; here is
//! how the domain's errors and server_fn's own failures become one.

use serde::{Deserialize, Serialize};

pub use model::refusal::Refusal;

/// Errors returned by server functions: a refusal, which the browser
/// reads as the server wrote it (`{"Throttled":61}`). A type of the app's
/// own only so that server functions can return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(transparent)]
#[error("{0}")]
pub struct AppError(pub Refusal);

impl AppError {
    pub fn status_code(&self) -> u16 {
        self.0.status_code()
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<i64> {
        self.0.retry_after_secs()
    }

    /// The error as read back from a URL, without free text.
    pub fn without_free_text(self) -> Self {
        Self(self.0.without_free_text())
    }

    pub fn message(&self) -> String {
        self.0.message()
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        Self(refusal)
    }
}

impl server_fn::error::FromServerFnError for AppError {
    type Encoder = crate::wire::TextJsonEncoding;

    fn from_server_fn_error(err: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match err {
            // On the server: arguments missing, malformed or not UTF-8.
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => Self(Refusal::BadRequest),
            _ => Self(Refusal::Transport),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    fn from(err: domain::DomainError) -> Self {
        match err {
            domain::DomainError::Refused(refusal) => Self(refusal),
            internal => {
                tracing::error!(error = %internal, "internal error");
                Self(Refusal::Internal)
            }
        }
    }
}

/// A change that did not happen reads as its error.
#[cfg(feature = "ssr")]
impl From<domain::provisioning::Refused> for AppError {
    fn from(refused: domain::provisioning::Refused) -> Self {
        refused.error.into()
    }
}
