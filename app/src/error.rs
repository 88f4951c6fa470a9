//! The one place where failures become the words a user reads.

use serde::{Deserialize, Serialize};

/// Errors returned by server functions. Serializable, so the browser can
/// show the same message the server chose; carries no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid email")]
    InvalidEmail,
    #[error("weak password")]
    WeakPassword,
    #[error("email taken")]
    EmailTaken,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("throttled")]
    Throttled { retry_after_secs: i64 },
    #[error("not signed in")]
    NotSignedIn,
    #[error("internal error")]
    Internal,
    #[error("malformed token")]
    MalformedToken,
    #[error("label too long")]
    LabelTooLong,
    #[error("token rejected")]
    TokenRejected,
    #[error("read-only token")]
    TokenReadOnly,
    #[error("hetzner rate limited")]
    HetznerRateLimited { retry_after_secs: i64 },
    #[error("hetzner unreachable")]
    HetznerUnreachable,
    #[error("already connected")]
    AlreadyConnected { label: String },
    #[error("connection not found")]
    ConnectionNotFound,
    /// The request's arguments were missing or malformed.
    #[error("bad request")]
    BadRequest,
    /// The request never completed, or its answer could not be read.
    #[error("transport")]
    Transport,
}

fn minutes_phrase(secs: i64) -> String {
    let minutes = ((secs.max(1) + 59) / 60).max(1);
    if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

impl AppError {
    pub fn message(&self) -> String {
        match self {
            Self::InvalidEmail => "Enter a valid email address, like name@example.com.".into(),
            Self::WeakPassword => "Choose a password of 8 to 256 characters.".into(),
            Self::EmailTaken => {
                "An account with this email already exists. Sign in instead.".into()
            }
            Self::InvalidCredentials => "Wrong email or password.".into(),
            Self::Throttled { retry_after_secs } => format!(
                "Too many failed sign-ins. Try again in {}.",
                minutes_phrase(*retry_after_secs)
            ),
            Self::NotSignedIn => "Your session has ended. Sign in again.".into(),
            Self::Internal => "Something went wrong on our side. Try again in a moment.".into(),
            Self::MalformedToken => "That doesn't look like a Hetzner API token. Tokens are 64 letters and digits; copy it again from the Hetzner Cloud Console.".into(),
            Self::LabelTooLong => "Keep the label to 64 characters or fewer.".into(),
            Self::TokenRejected => "Hetzner rejected this token. Make sure it has Read & Write permissions and belongs to the right project.".into(),
            Self::TokenReadOnly => "This token is Read-only. Potions needs Read & Write to create servers: generate a new token with Read & Write permissions.".into(),
            Self::HetznerRateLimited { retry_after_secs } => format!(
                "Hetzner is limiting requests for this project right now. Try again in {}.",
                minutes_phrase(*retry_after_secs)
            ),
            Self::HetznerUnreachable => "Potions couldn't reach Hetzner, so nothing was saved. Try again in a moment.".into(),
            Self::AlreadyConnected { label } => format!("This project's token is already connected as \"{label}\"."),
            Self::ConnectionNotFound => "That connection doesn't exist. It may have been disconnected.".into(),
            Self::BadRequest => {
                "The form was incomplete or malformed. Reload the page and try again.".into()
            }
            Self::Transport => {
                "Potions couldn't complete the request. Check your connection and try again.".into()
            }
        }
    }
}

impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(err: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match err {
            E::Args(_) | E::MissingArg(_) => Self::BadRequest,
            _ => Self::Transport,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    fn from(err: domain::DomainError) -> Self {
        use domain::DomainError as D;
        match err {
            D::InvalidEmail => Self::InvalidEmail,
            D::WeakPassword => Self::WeakPassword,
            D::EmailTaken => Self::EmailTaken,
            D::InvalidCredentials => Self::InvalidCredentials,
            D::Throttled { retry_after_secs } => Self::Throttled { retry_after_secs },
            D::MalformedToken => Self::MalformedToken,
            D::LabelTooLong => Self::LabelTooLong,
            D::TokenRejected => Self::TokenRejected,
            D::TokenReadOnly => Self::TokenReadOnly,
            D::HetznerRateLimited { retry_after_secs } => {
                Self::HetznerRateLimited { retry_after_secs }
            }
            D::HetznerUnreachable => Self::HetznerUnreachable,
            D::AlreadyConnected { label } => Self::AlreadyConnected { label },
            D::ConnectionNotFound => Self::ConnectionNotFound,
            D::Database(_) | D::Migration(_) | D::Hashing | D::Crypto(_) => {
                tracing::error!(error = %err, "internal error");
                Self::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_message_says_when_to_try_again() {
        let msg = AppError::Throttled {
            retry_after_secs: 61,
        }
        .message();
        assert!(msg.contains("Try again in 2 minutes"), "{msg}");
        let msg = AppError::Throttled {
            retry_after_secs: 5,
        }
        .message();
        assert!(msg.contains("Try again in 1 minute."), "{msg}");
    }
}
