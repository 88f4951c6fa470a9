//! What a DigitalOcean error means to the user, in the domain's terms.

use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::digitalocean::{DigitalOceanError, ErrorKind, OAuthErrorKind};

/// An error of a call made with a connection's token.
pub(crate) fn api_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::Unauthorized => DomainError::Refused(Refusal::TokenRejected),
        ErrorKind::Forbidden => DomainError::Refused(Refusal::DigitalOceanMissingPermission),
        ErrorKind::RateLimited {
            retry_after_secs,
            reset_at,
        } => DomainError::Refused(Refusal::DigitalOceanRateLimited(
            retry_after_secs
                .and_then(|s| i64::try_from(s).ok())
                .or_else(|| reset_at.map(|r| r - crate::clock::now_unix()))
                .unwrap_or(60)
                .max(1),
        )),
        ErrorKind::OAuth(OAuthErrorKind::InvalidClient) => misconfigured(err),
        ErrorKind::OAuth(OAuthErrorKind::InvalidGrant | OAuthErrorKind::InvalidToken) => {
            DomainError::Refused(Refusal::TokenRejected)
        }
        _ => {
            tracing::warn!(error = %err, "digitalocean failed");
            DomainError::Refused(Refusal::DigitalOceanUnreachable)
        }
    }
}

/// An error of the code exchange at the callback.
pub(super) fn exchange_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::OAuth(OAuthErrorKind::InvalidClient) => misconfigured(err),
        ErrorKind::OAuth(_) => DomainError::Refused(Refusal::OAuthCodeRefused),
        _ => api_failure(err),
    }
}

fn misconfigured(err: &DigitalOceanError) -> DomainError {
    tracing::error!(error = %err, "DigitalOcean refused the client id or secret: check the configuration");
    DomainError::Refused(Refusal::DigitalOceanMisconfigured)
}
