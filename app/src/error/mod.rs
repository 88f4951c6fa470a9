//! The one place where failures become what a user reads: the errors,
//! their HTTP statuses, and the words (`messages.rs`).

mod messages;

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
    /// Seconds until another attempt is allowed.
    #[error("throttled")]
    Throttled(i64),
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
    /// Seconds until Hetzner's limit resets.
    #[error("hetzner rate limited")]
    HetznerRateLimited(i64),
    #[error("hetzner unreachable")]
    HetznerUnreachable,
    /// The label of the connection that holds this project.
    #[error("already connected")]
    AlreadyConnected(String),
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
    #[error("passkeys unavailable")]
    PasskeysUnavailable,
    #[error("passkey expired")]
    PasskeyExpired,
    #[error("passkey refused")]
    PasskeyRefused,
    #[error("passkey not found")]
    PasskeyNotFound,
    #[error("invalid passkey name")]
    InvalidPasskeyName,
    #[error("needs attention")]
    NeedsAttention,
    #[error("invalid server name")]
    InvalidServerName,
    #[error("server name taken")]
    ServerNameTaken,
    /// The locations that do offer the type.
    #[error("server type unavailable")]
    ServerTypeUnavailable(Vec<String>),
    #[error("project limit")]
    ProjectLimitReached,
    #[error("protected")]
    ServerProtected,
    #[error("server not found")]
    ServerNotFound,
    /// The fields the provider refused.
    #[error("invalid server request")]
    InvalidServerRequest(Vec<String>),
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
    /// Seconds until DigitalOcean's limit resets.
    #[error("digitalocean rate limited")]
    DigitalOceanRateLimited(i64),
    #[error("digitalocean access lost")]
    DigitalOceanAccessLost,
    /// DigitalOcean's own words; dropped when read back from a URL.
    #[error("digitalocean refused")]
    DigitalOceanRefused(String),
    /// The team chosen instead.
    #[error("reconnected with another team")]
    ReconnectOtherTeam(String),
    /// The request's arguments were missing or malformed.
    #[error("bad request")]
    BadRequest,
    /// The request never completed, or its answer could not be read.
    #[error("transport")]
    Transport,
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
            Self::ConnectionNotFound
            | Self::ServerNotFound
            | Self::SessionNotFound
            | Self::PasskeyNotFound => 404,
            Self::SecondStepExpired => 401,
            Self::TotpNotEnrolling | Self::TotpAlreadyOn | Self::PasskeyExpired => 409,
            Self::PasskeysUnavailable => 503,
            Self::WrongPassword
            | Self::SecondFactorWrong
            | Self::EnrolmentCodeWrong
            | Self::PasskeyRefused
            | Self::InvalidPasskeyName => 422,
            Self::EmailTaken
            | Self::AlreadyConnected(_)
            | Self::ServerNameTaken
            | Self::KeyNameTaken
            | Self::NeedsAttention
            | Self::ProjectLimitReached
            | Self::ServerProtected
            | Self::DigitalOceanNotSetUp
            | Self::DigitalOceanAccessLost
            | Self::ReconnectOtherTeam(_) => 409,
            Self::InvalidEmail
            | Self::WeakPassword
            | Self::MalformedToken
            | Self::LabelTooLong
            | Self::TokenRejected
            | Self::TokenReadOnly
            | Self::InvalidServerName
            | Self::ServerTypeUnavailable(_)
            | Self::InvalidServerRequest(_)
            | Self::ConfirmationMismatch
            | Self::InvalidKeyName
            | Self::InvalidPublicKey
            | Self::OAuthCodeRefused
            | Self::DigitalOceanMissingPermission
            | Self::DigitalOceanAccountLocked
            | Self::DigitalOceanEmailNotVerified
            | Self::DigitalOceanRefused(_) => 422,
            Self::Throttled(_) => 429,
            Self::HetznerUnreachable
            | Self::Transport
            | Self::DigitalOceanUnreachable
            | Self::DigitalOceanMisconfigured => 502,
            Self::HetznerRateLimited(_) | Self::DigitalOceanRateLimited(_) => 503,
            Self::Internal => 500,
        }
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::Throttled(secs)
            | Self::HetznerRateLimited(secs)
            | Self::DigitalOceanRateLimited(secs) => Some((*secs).max(1)),
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
            Self::AlreadyConnected(_) => Self::AlreadyConnected(String::new()),
            Self::ReconnectOtherTeam(_) => Self::ReconnectOtherTeam(String::new()),
            Self::DigitalOceanRefused(_) => Self::DigitalOceanRefused(String::new()),
            Self::InvalidServerRequest(fields) => Self::InvalidServerRequest(names_only(fields)),
            Self::ServerTypeUnavailable(available_in) => {
                Self::ServerTypeUnavailable(names_only(available_in))
            }
            other => other,
        }
    }
}

impl server_fn::error::FromServerFnError for AppError {
    type Encoder = crate::wire::TextJsonEncoding;

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
            D::Throttled { retry_after_secs } => Self::Throttled(retry_after_secs),
            D::MalformedToken => Self::MalformedToken,
            D::LabelTooLong => Self::LabelTooLong,
            D::TokenRejected => Self::TokenRejected,
            D::TokenReadOnly => Self::TokenReadOnly,
            D::HetznerRateLimited { retry_after_secs } => {
                Self::HetznerRateLimited(retry_after_secs)
            }
            D::HetznerUnreachable => Self::HetznerUnreachable,
            D::AlreadyConnected { label } => Self::AlreadyConnected(label),
            D::ConnectionNotFound => Self::ConnectionNotFound,
            D::SessionNotFound => Self::SessionNotFound,
            D::WrongPassword => Self::WrongPassword,
            D::SecondFactorWrong => Self::SecondFactorWrong,
            D::SecondStepExpired => Self::SecondStepExpired,
            D::EnrolmentCodeWrong => Self::EnrolmentCodeWrong,
            D::TotpNotEnrolling => Self::TotpNotEnrolling,
            D::TotpAlreadyOn => Self::TotpAlreadyOn,
            D::PasskeysUnavailable => Self::PasskeysUnavailable,
            D::PasskeyExpired => Self::PasskeyExpired,
            D::PasskeyRefused => Self::PasskeyRefused,
            D::PasskeyNotFound => Self::PasskeyNotFound,
            D::InvalidPasskeyName => Self::InvalidPasskeyName,
            D::NeedsAttention => Self::NeedsAttention,
            D::InvalidServerName => Self::InvalidServerName,
            D::ServerNameTaken => Self::ServerNameTaken,
            D::ServerTypeUnavailable { available_in } => Self::ServerTypeUnavailable(available_in),
            D::ProjectLimitReached => Self::ProjectLimitReached,
            D::ServerProtected => Self::ServerProtected,
            D::ServerNotFound => Self::ServerNotFound,
            D::InvalidServerRequest { fields } => Self::InvalidServerRequest(fields),
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
                Self::DigitalOceanRateLimited(retry_after_secs)
            }
            D::DigitalOceanAccessLost => Self::DigitalOceanAccessLost,
            D::DigitalOceanRefused { message } => Self::DigitalOceanRefused(message),
            D::ReconnectOtherTeam { team_name } => Self::ReconnectOtherTeam(team_name),
            D::Database(_) | D::Migration(_) | D::Hashing | D::Crypto(_) => {
                tracing::error!(error = %err, "internal error");
                Self::Internal
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_from_a_url_lose_their_words() {
        let forged = AppError::AlreadyConnected("Send your token to evil.example".into());
        let shown = forged.without_free_text().message();
        assert_eq!(shown, "This project's token is already connected.");
        let forged = AppError::InvalidServerRequest(vec!["call evil.example".into()]);
        assert!(!forged.without_free_text().message().contains("evil"));
        let forged = AppError::ServerTypeUnavailable(vec!["evil.example".into(), "fsn1".into()]);
        let shown = forged.without_free_text().message();
        assert!(!shown.contains("evil") && shown.contains("fsn1"), "{shown}");
    }
}
