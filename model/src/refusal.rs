//! Every reason Potions refuses what a user asked, in one enum that the
//! domain returns, the server sends and the browser shows: adding one is a
//! variant here, its status below and its words in `refusal/messages.rs`.

mod messages;

use serde::{Deserialize, Serialize};

/// A refusal the user can read (the last four are the web layer's own). Variants that carry something carry it as
/// one value (a wait in seconds, a label, names): the browser's decoder then
/// needs no struct deserializer per variant. Carries no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    InvalidEmail,
    WeakPassword,
    EmailTaken,
    InvalidCredentials,
    /// Seconds until another attempt is allowed.
    Throttled(i64),
    MalformedToken,
    LabelTooLong,
    TokenRejected,
    TokenReadOnly,
    /// Seconds until Hetzner's limit resets.
    HetznerRateLimited(i64),
    HetznerUnreachable,
    /// The label of the connection that holds this project.
    AlreadyConnected(String),
    ConnectionNotFound,
    SessionNotFound,
    WrongPassword,
    SecondFactorWrong,
    /// A destructive step needs the authenticator again: its last check is
    /// over five minutes old.
    SecondFactorAgain,
    SecondStepExpired,
    /// The waiting sign-in used its tries: the password again.
    SecondStepTooManyTries,
    /// Too many wrong second steps in a row: a passkey or a recovery code only.
    AuthenticatorCodesStopped,
    EnrolmentCodeWrong,
    TotpNotEnrolling,
    TotpAlreadyOn,
    PasskeysUnavailable,
    PasskeyExpired,
    PasskeyRefused,
    PasskeyNotFound,
    InvalidPasskeyName,
    HetznerNeedsAttention,
    InvalidServerName,
    ServerNameTaken,
    /// The locations that do offer the type.
    ServerTypeUnavailable(Vec<String>),
    HetznerProjectLimitReached,
    ServerProtected,
    ServerNotFound,
    /// A reverse DNS name that is not a host name.
    InvalidReverseDns,
    /// DigitalOcean sets reverse DNS from the droplet's name.
    ReverseDnsFollowsName,
    /// Another action on the server is still running.
    ServerLocked,
    /// The action does not fit the server's status (power on a running server).
    ServerStateDoesNotAllow,
    /// The fields the provider refused.
    InvalidServerRequest(Vec<String>),
    ConfirmationMismatch,
    InvalidKeyName,
    InvalidPublicKey,
    KeyNameTaken,
    DigitalOceanNotSetUp,
    DigitalOceanMisconfigured,
    OAuthStateInvalid,
    OAuthDenied,
    OAuthCodeRefused,
    DigitalOceanMissingPermission,
    DigitalOceanAccountLocked,
    DigitalOceanEmailNotVerified,
    DigitalOceanUnreachable,
    /// Seconds until DigitalOcean's limit resets.
    DigitalOceanRateLimited(i64),
    DigitalOceanAccessLost,
    /// The team was connected with fewer permissions than this action needs.
    DigitalOceanNeedsMoreAccess,
    /// DigitalOcean's own words; dropped when read back from a URL.
    DigitalOceanRefused(String),
    /// The team chosen instead.
    ReconnectOtherTeam(String),
    /// The request came without a session, or with one that ended.
    NotSignedIn,
    /// The request's arguments were missing or malformed.
    BadRequest,
    /// The request never completed, or its answer could not be read (the
    /// browser's own; no server sends it).
    Transport,
    /// A fault of ours, logged where it happened; the user reads no detail.
    Internal,
}

impl Refusal {
    /// The HTTP status a refusal is answered with, so that monitoring can
    /// tell a user's mistake from a fault: 4xx for the user's request,
    /// 502/503 for a provider in trouble, 500 only for our own faults.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::BadRequest | Self::OAuthStateInvalid => 400,
            Self::OAuthDenied => 403,
            Self::NotSignedIn | Self::InvalidCredentials => 401,
            Self::ConnectionNotFound
            | Self::ServerNotFound
            | Self::SessionNotFound
            | Self::PasskeyNotFound => 404,
            Self::SecondStepExpired | Self::SecondStepTooManyTries => 401,
            Self::TotpNotEnrolling | Self::TotpAlreadyOn | Self::PasskeyExpired => 409,
            Self::PasskeysUnavailable => 503,
            Self::WrongPassword
            | Self::SecondFactorWrong
            | Self::SecondFactorAgain
            | Self::AuthenticatorCodesStopped
            | Self::EnrolmentCodeWrong
            | Self::PasskeyRefused
            | Self::InvalidPasskeyName => 422,
            Self::EmailTaken
            | Self::AlreadyConnected(_)
            | Self::ServerNameTaken
            | Self::KeyNameTaken
            | Self::HetznerNeedsAttention
            | Self::HetznerProjectLimitReached
            | Self::ServerProtected
            | Self::ServerLocked
            | Self::ServerStateDoesNotAllow
            | Self::DigitalOceanNotSetUp
            | Self::DigitalOceanAccessLost
            | Self::DigitalOceanNeedsMoreAccess
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
            | Self::InvalidReverseDns
            | Self::ReverseDnsFollowsName
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

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_from_a_url_lose_their_words() {
        let forged = Refusal::AlreadyConnected("Send your token to evil.example".into());
        let shown = forged.without_free_text().message();
        assert_eq!(shown, "This project's token is already connected.");
        let forged = Refusal::InvalidServerRequest(vec!["call evil.example".into()]);
        assert!(!forged.without_free_text().message().contains("evil"));
        let forged = Refusal::ServerTypeUnavailable(vec!["evil.example".into(), "fsn1".into()]);
        let shown = forged.without_free_text().message();
        assert!(!shown.contains("evil") && shown.contains("fsn1"), "{shown}");
    }
}
