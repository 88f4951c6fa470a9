//! What a DigitalOcean error means to the user, in the domain's terms.

use crate::digitalocean::{DigitalOceanError, ErrorKind, OAuthErrorKind};
use crate::error::DomainError;

/// An error of a call made with a connection's token.
pub(crate) fn api_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::Unauthorized => DomainError::TokenRejected,
        ErrorKind::Forbidden => DomainError::DigitalOceanMissingPermission,
        ErrorKind::RateLimited {
            retry_after_secs,
            reset_at,
        } => DomainError::DigitalOceanRateLimited {
            retry_after_secs: retry_after_secs
                .and_then(|s| i64::try_from(s).ok())
                .or_else(|| reset_at.map(|r| r - crate::clock::now_unix()))
                .unwrap_or(60)
                .max(1),
        },
        ErrorKind::OAuth(OAuthErrorKind::InvalidClient) => misconfigured(err),
        ErrorKind::OAuth(OAuthErrorKind::InvalidGrant | OAuthErrorKind::InvalidToken) => {
            DomainError::TokenRejected
        }
        _ => {
            tracing::warn!(error = %err, "digitalocean failed");
            DomainError::DigitalOceanUnreachable
        }
    }
}

/// An error of the code exchange at the callback.
pub(super) fn exchange_failure(err: &DigitalOceanError) -> DomainError {
    match &err.kind {
        ErrorKind::OAuth(OAuthErrorKind::InvalidClient) => misconfigured(err),
        ErrorKind::OAuth(_) => DomainError::OAuthCodeRefused,
        _ => api_failure(err),
    }
}

fn misconfigured(err: &DigitalOceanError) -> DomainError {
    tracing::error!(error = %err, "DigitalOcean refused the client id or secret: check the configuration");
    DomainError::DigitalOceanMisconfigured
}
