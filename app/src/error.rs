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
    #[error("session not found")]
    SessionNotFound,
    #[error("wrong password")]
    WrongPassword,
    #[error("second factor wrong")]
    SecondFactorWrong,
    #[error("second step expired")]
    SecondStepExpired,
    #[error("enrolment code wrong")]
    EnrolmentCodeWrong,
    #[error("totp not enrolling")]
    TotpNotEnrolling,
    #[error("totp already on")]
    TotpAlreadyOn,
    #[error("needs attention")]
    NeedsAttention,
    #[error("invalid server name")]
    InvalidServerName,
    #[error("server name taken")]
    ServerNameTaken,
    #[error("server type unavailable")]
    ServerTypeUnavailable { available_in: Vec<String> },
    #[error("project limit")]
    ProjectLimitReached,
    #[error("protected")]
    ServerProtected,
    #[error("server not found")]
    ServerNotFound,
    #[error("invalid server request")]
    InvalidServerRequest { fields: Vec<String> },
    #[error("confirmation mismatch")]
    ConfirmationMismatch,
    #[error("invalid key name")]
    InvalidKeyName,
    #[error("invalid public key")]
    InvalidPublicKey,
    #[error("key name taken")]
    KeyNameTaken,
    #[error("digitalocean not set up")]
    DigitalOceanNotSetUp,
    #[error("digitalocean misconfigured")]
    DigitalOceanMisconfigured,
    #[error("oauth state invalid")]
    OAuthStateInvalid,
    #[error("oauth denied")]
    OAuthDenied,
    #[error("oauth code refused")]
    OAuthCodeRefused,
    #[error("digitalocean missing permission")]
    DigitalOceanMissingPermission,
    #[error("digitalocean account locked")]
    DigitalOceanAccountLocked,
    #[error("digitalocean email not verified")]
    DigitalOceanEmailNotVerified,
    #[error("digitalocean unreachable")]
    DigitalOceanUnreachable,
    #[error("digitalocean rate limited")]
    DigitalOceanRateLimited { retry_after_secs: i64 },
    #[error("digitalocean access lost")]
    DigitalOceanAccessLost,
    /// DigitalOcean's own words; dropped when read back from a URL.
    #[error("digitalocean refused")]
    DigitalOceanRefused { message: String },
    #[error("reconnected with another team")]
    ReconnectOtherTeam { team_name: String },
    /// The request's arguments were missing or malformed.
    #[error("bad request")]
    BadRequest,
    /// The request never completed, or its answer could not be read.
    #[error("transport")]
    Transport,
}

/// A wait as people say it: seconds under a minute, else whole minutes up.
fn wait_phrase(secs: i64) -> String {
    let secs = secs.max(1);
    if secs < 60 {
        return if secs == 1 {
            "1 second".into()
        } else {
            format!("{secs} seconds")
        };
    }
    minutes_phrase(secs)
}

/// Whole minutes, rounded up: "Try again in N minutes" as PRODUCT.md words it.
fn minutes_phrase(secs: i64) -> String {
    let minutes = ((secs.max(1) + 59) / 60).max(1);
    if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

impl AppError {
    /// The HTTP status a server function answers this error with, so that
    /// monitoring can tell a user's mistake from a fault: 4xx for the user's
    /// request, 502/503 for a provider in trouble, 500 only for our bugs.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::BadRequest | Self::OAuthStateInvalid => 400,
            Self::OAuthDenied => 403,
            Self::NotSignedIn | Self::InvalidCredentials => 401,
            Self::ConnectionNotFound | Self::ServerNotFound | Self::SessionNotFound => 404,
            Self::SecondStepExpired => 401,
            Self::TotpNotEnrolling | Self::TotpAlreadyOn => 409,
            Self::WrongPassword | Self::SecondFactorWrong | Self::EnrolmentCodeWrong => 422,
            Self::EmailTaken
            | Self::AlreadyConnected { .. }
            | Self::ServerNameTaken
            | Self::KeyNameTaken
            | Self::NeedsAttention
            | Self::ProjectLimitReached
            | Self::ServerProtected
            | Self::DigitalOceanNotSetUp
            | Self::DigitalOceanAccessLost
            | Self::ReconnectOtherTeam { .. } => 409,
            Self::InvalidEmail
            | Self::WeakPassword
            | Self::MalformedToken
            | Self::LabelTooLong
            | Self::TokenRejected
            | Self::TokenReadOnly
            | Self::InvalidServerName
            | Self::ServerTypeUnavailable { .. }
            | Self::InvalidServerRequest { .. }
            | Self::ConfirmationMismatch
            | Self::InvalidKeyName
            | Self::InvalidPublicKey
            | Self::OAuthCodeRefused
            | Self::DigitalOceanMissingPermission
            | Self::DigitalOceanAccountLocked
            | Self::DigitalOceanEmailNotVerified
            | Self::DigitalOceanRefused { .. } => 422,
            Self::Throttled { .. } => 429,
            Self::HetznerUnreachable
            | Self::Transport
            | Self::DigitalOceanUnreachable
            | Self::DigitalOceanMisconfigured => 502,
            Self::HetznerRateLimited { .. } | Self::DigitalOceanRateLimited { .. } => 503,
            Self::Internal => 500,
        }
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::Throttled { retry_after_secs }
            | Self::HetznerRateLimited { retry_after_secs }
            | Self::DigitalOceanRateLimited { retry_after_secs } => {
                Some((*retry_after_secs).max(1))
            }
            _ => None,
        }
    }

    /// The error without free text. An error read back from a URL (a form
    /// posted without JavaScript) may have been written by anyone who sent the
    /// user a link: a label is dropped, and only names that look like field or
    /// location names (`server_type`, `fsn1`) are kept.
    pub fn without_free_text(self) -> Self {
        fn names_only(names: Vec<String>) -> Vec<String> {
            let is_name = |n: &String| {
                (1..=32).contains(&n.len())
                    && n.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                    })
            };
            names.into_iter().filter(is_name).collect()
        }
        match self {
            Self::AlreadyConnected { .. } => Self::AlreadyConnected {
                label: String::new(),
            },
            Self::ReconnectOtherTeam { .. } => Self::ReconnectOtherTeam {
                team_name: String::new(),
            },
            Self::DigitalOceanRefused { .. } => Self::DigitalOceanRefused {
                message: String::new(),
            },
            Self::InvalidServerRequest { fields } => Self::InvalidServerRequest {
                fields: names_only(fields),
            },
            Self::ServerTypeUnavailable { available_in } => Self::ServerTypeUnavailable {
                available_in: names_only(available_in),
            },
            other => other,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::InvalidEmail => "Enter a valid email address, like name@example.com.".into(),
            Self::WeakPassword => "Choose a password of 8 to 256 characters.".into(),
            Self::EmailTaken => {
                "An account with this email already exists. Sign in instead.".into()
            }
            Self::InvalidCredentials => "Wrong email or password.".into(),
            Self::Throttled { retry_after_secs } => format!(
                "Too many attempts. Try again in {}.",
                wait_phrase(*retry_after_secs)
            ),
            Self::NotSignedIn => "Your session has ended. Sign in again.".into(),
            Self::Internal => "Something went wrong on our side. Try again in a moment.".into(),
            Self::MalformedToken => "That doesn't look like a Hetzner API token. Tokens are 64 \
                letters and digits; copy it again from the Hetzner Cloud Console."
                .into(),
            Self::LabelTooLong => "Keep the label to 64 characters or fewer.".into(),
            Self::TokenRejected => "Hetzner rejected this token. Make sure it has Read & Write \
                permissions and belongs to the right project."
                .into(),
            Self::TokenReadOnly => "This token is Read-only. Potions needs Read & Write to create \
                servers: generate a new token with Read & Write permissions."
                .into(),
            Self::HetznerRateLimited { retry_after_secs } => format!(
                "Hetzner is limiting requests for this project right now. Try again in {}.",
                minutes_phrase(*retry_after_secs)
            ),
            Self::HetznerUnreachable => "Potions couldn't reach Hetzner, so nothing was saved. \
                Try again in a moment."
                .into(),
            Self::AlreadyConnected { label } if label.is_empty() => {
                "This project's token is already connected.".into()
            }
            Self::AlreadyConnected { label } => {
                format!("This project's token is already connected as \"{label}\".")
            }
            Self::SessionNotFound => "That browser is already signed out.".into(),
            Self::WrongPassword => "That password isn't right.".into(),
            Self::SecondFactorWrong => "That code didn't work. Each code works once: wait for the \
                next one in your authenticator app, or use one of your recovery codes."
                .into(),
            Self::SecondStepExpired => "This sign-in waited too long or was already used. Sign in \
                again."
                .into(),
            Self::EnrolmentCodeWrong => "That code doesn't match. Check that your device sets its \
                clock automatically, then enter the newest code from the app."
                .into(),
            Self::TotpNotEnrolling => "Two-factor sign-in isn't being set up any more (set-up \
                lasts 15 minutes). Start again."
                .into(),
            Self::TotpAlreadyOn => "Two-factor sign-in is already on.".into(),
            Self::ConnectionNotFound => {
                "That connection doesn't exist. It may have been disconnected.".into()
            }
            Self::NeedsAttention => "Hetzner rejected this project's token, so Potions has \
                stopped using it. Check that the token still exists and has Read & Write \
                permissions, then paste a replacement token."
                .into(),
            Self::InvalidServerName => "Server names are host names: letters, digits and hyphens, \
                at most 63 characters between dots, not starting or ending with a hyphen."
                .into(),
            Self::ServerNameTaken => "A server with this name already exists in this project. \
                Choose another name."
                .into(),
            Self::ServerTypeUnavailable { available_in } if available_in.is_empty() => {
                "This server type isn't available in that location. Choose another type or \
                 location."
                    .into()
            }
            Self::ServerTypeUnavailable { available_in } => format!(
                "This server type isn't \
                available in that location. It is available in: {}.",
                available_in.join(", ")
            ),
            Self::ProjectLimitReached => "This project has reached its server limit at Hetzner. \
                Delete a server, or ask Hetzner to raise the limit."
                .into(),
            Self::ServerProtected => "This server is delete-protected. Turn off its protection in \
                the Hetzner Cloud Console first."
                .into(),
            Self::ServerNotFound => "That server no longer exists in this project.".into(),
            Self::InvalidServerRequest { fields } if fields.is_empty() => {
                "The provider didn't accept the request. Reload the page and try again.".into()
            }
            Self::InvalidServerRequest { fields } => format!(
                "The {} you chose can't be used here. \
                Reload the page and try again.",
                fields.join(", ").replace('_', " ")
            ),
            Self::ConfirmationMismatch => {
                "The name you typed doesn't match the server's name.".into()
            }
            Self::InvalidKeyName => "Give the key a name of 1 to 64 characters.".into(),
            Self::InvalidPublicKey => "That isn't an OpenSSH public key. Paste the whole line, \
                like ssh-ed25519 AAAA… you@laptop."
                .into(),
            Self::KeyNameTaken => {
                "A key with this name already exists in this project. Choose another name.".into()
            }
            Self::DigitalOceanNotSetUp => "DigitalOcean isn't set up on this Potions instance. Ask \
                its operator to register a DigitalOcean OAuth app (the README says how)."
                .into(),
            Self::DigitalOceanMisconfigured => "DigitalOcean refused this Potions instance's app \
                credentials, so nothing was connected. Ask its operator to check the DigitalOcean \
                client id and secret."
                .into(),
            Self::OAuthStateInvalid => "This sign-in link expired or didn't come from Potions, so \
                nothing was connected. Start again from the Dashboard."
                .into(),
            Self::OAuthDenied => {
                "You didn't give Potions access on DigitalOcean, so nothing was connected.".into()
            }
            Self::OAuthCodeRefused => "DigitalOcean didn't accept the sign-in, so nothing was \
                connected. Start again from the Dashboard."
                .into(),
            Self::DigitalOceanMissingPermission => "DigitalOcean gave Potions less access than it \
                needs, so nothing was connected. Connect again and approve every permission listed."
                .into(),
            Self::DigitalOceanAccountLocked => "Your DigitalOcean account is locked, so nothing was \
                connected. Resolve it in DigitalOcean's control panel, then connect again."
                .into(),
            Self::DigitalOceanEmailNotVerified => "Your DigitalOcean account's email address isn't \
                verified yet, so nothing was connected. Verify it at DigitalOcean, then connect again."
                .into(),
            Self::DigitalOceanUnreachable => "Potions couldn't reach DigitalOcean, so nothing was \
                saved. Try again in a moment."
                .into(),
            Self::DigitalOceanRateLimited { retry_after_secs } => format!(
                "DigitalOcean is limiting requests right now. Try again in {}.",
                wait_phrase(*retry_after_secs)
            ),
            Self::DigitalOceanAccessLost => "DigitalOcean no longer accepts Potions' access to this \
                team (it may have been revoked there), so Potions has stopped using it. Reconnect to \
                give access again."
                .into(),
            Self::DigitalOceanRefused { message } if message.is_empty() => "DigitalOcean didn't \
                accept the request. Check your choices and try again."
                .into(),
            Self::DigitalOceanRefused { message } => {
                format!("DigitalOcean didn't accept the request: {message}")
            }
            Self::ReconnectOtherTeam { team_name } if team_name.is_empty() => "You chose another \
                team than this connection's. Reconnect and choose the same team, or connect the other \
                team from the Dashboard."
                .into(),
            Self::ReconnectOtherTeam { team_name } => format!(
                "You chose another team than this connection's (\"{team_name}\"). Reconnect and \
                choose that team, or connect the other team from the Dashboard."
            ),
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
            // On the server: arguments missing, malformed or not UTF-8.
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => Self::BadRequest,
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
            D::SessionNotFound => Self::SessionNotFound,
            D::WrongPassword => Self::WrongPassword,
            D::SecondFactorWrong => Self::SecondFactorWrong,
            D::SecondStepExpired => Self::SecondStepExpired,
            D::EnrolmentCodeWrong => Self::EnrolmentCodeWrong,
            D::TotpNotEnrolling => Self::TotpNotEnrolling,
            D::TotpAlreadyOn => Self::TotpAlreadyOn,
            D::NeedsAttention => Self::NeedsAttention,
            D::InvalidServerName => Self::InvalidServerName,
            D::ServerNameTaken => Self::ServerNameTaken,
            D::ServerTypeUnavailable { available_in } => {
                Self::ServerTypeUnavailable { available_in }
            }
            D::ProjectLimitReached => Self::ProjectLimitReached,
            D::ServerProtected => Self::ServerProtected,
            D::ServerNotFound => Self::ServerNotFound,
            D::InvalidServerRequest { fields } => Self::InvalidServerRequest { fields },
            D::ConfirmationMismatch => Self::ConfirmationMismatch,
            D::InvalidKeyName => Self::InvalidKeyName,
            D::InvalidPublicKey => Self::InvalidPublicKey,
            D::KeyNameTaken => Self::KeyNameTaken,
            D::DigitalOceanNotSetUp => Self::DigitalOceanNotSetUp,
            D::DigitalOceanMisconfigured => Self::DigitalOceanMisconfigured,
            D::OAuthStateInvalid => Self::OAuthStateInvalid,
            D::OAuthDenied => Self::OAuthDenied,
            D::OAuthCodeRefused => Self::OAuthCodeRefused,
            D::DigitalOceanMissingPermission => Self::DigitalOceanMissingPermission,
            D::DigitalOceanAccountLocked => Self::DigitalOceanAccountLocked,
            D::DigitalOceanEmailNotVerified => Self::DigitalOceanEmailNotVerified,
            D::DigitalOceanUnreachable => Self::DigitalOceanUnreachable,
            D::DigitalOceanRateLimited { retry_after_secs } => {
                Self::DigitalOceanRateLimited { retry_after_secs }
            }
            D::DigitalOceanAccessLost => Self::DigitalOceanAccessLost,
            D::DigitalOceanRefused { message } => Self::DigitalOceanRefused { message },
            D::ReconnectOtherTeam { team_name } => Self::ReconnectOtherTeam { team_name },
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
    fn errors_from_a_url_lose_their_words() {
        let forged = AppError::AlreadyConnected {
            label: "Send your token to evil.example".into(),
        };
        let shown = forged.without_free_text().message();
        assert_eq!(shown, "This project's token is already connected.");
        let forged = AppError::InvalidServerRequest {
            fields: vec!["call evil.example".into()],
        };
        assert!(!forged.without_free_text().message().contains("evil"));
        let forged = AppError::ServerTypeUnavailable {
            available_in: vec!["evil.example".into(), "fsn1".into()],
        };
        let shown = forged.without_free_text().message();
        assert!(!shown.contains("evil") && shown.contains("fsn1"), "{shown}");
    }

    #[test]
    fn throttle_message_says_when_to_try_again() {
        let msg = AppError::Throttled {
            retry_after_secs: 61,
        }
        .message();
        assert!(msg.contains("Try again in 2 minutes"), "{msg}");
        let msg = AppError::Throttled {
            retry_after_secs: 60,
        }
        .message();
        assert!(msg.contains("Try again in 1 minute."), "{msg}");
        let msg = AppError::Throttled {
            retry_after_secs: 5,
        }
        .message();
        assert!(msg.contains("Try again in 5 seconds."), "{msg}");
    }
}
