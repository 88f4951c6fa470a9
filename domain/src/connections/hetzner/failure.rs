//! How a provider's refusal reads in the domain's terms: the one mapping
//! from Hetzner's errors to [`DomainError`].

use crate::clock::now_unix;
use crate::error::DomainError;
use crate::error::Refusal;
use crate::providers::hetzner::{ErrorKind, HetznerError};

/// Seconds until a rate limit resets; a minute when Hetzner did not say.
pub fn retry_after_secs(reset_at: Option<i64>) -> i64 {
    reset_at.map(|r| r - now_unix()).unwrap_or(60).max(1)
}

/// A failure that says something about the token itself, ranked by how
/// much it tells the user: rejected, then read-only, then rate limited.
fn access_failure(err: &HetznerError) -> Option<(u8, DomainError)> {
    match &err.kind {
        ErrorKind::Unauthorized => Some((3, DomainError::Refused(Refusal::TokenRejected))),
        ErrorKind::ReadOnlyToken | ErrorKind::Forbidden => {
            Some((2, DomainError::Refused(Refusal::TokenReadOnly)))
        }
        ErrorKind::RateLimited { reset_at } => Some((
            1,
            DomainError::Refused(Refusal::HetznerRateLimited(retry_after_secs(*reset_at))),
        )),
        _ => None,
    }
}

/// The message a failed token check deserves: the most telling of its
/// failures, or "unreachable" when none is about the token.
pub fn token_check_failure<'a>(
    failures: impl IntoIterator<Item = &'a HetznerError>,
) -> DomainError {
    failures
        .into_iter()
        .filter_map(access_failure)
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, err)| err)
        .unwrap_or(DomainError::Refused(Refusal::HetznerUnreachable))
}

/// The message a failed provisioning call deserves.
pub fn provisioning_failure(err: &HetznerError) -> DomainError {
    if let Some((_, failure)) = access_failure(err) {
        return failure;
    }
    match &err.kind {
        ErrorKind::Uniqueness { .. } => DomainError::Refused(Refusal::ServerNameTaken),
        ErrorKind::ResourceLimitExceeded { .. } => {
            DomainError::Refused(Refusal::HetznerProjectLimitReached)
        }
        ErrorKind::Protected => DomainError::Refused(Refusal::ServerProtected),
        ErrorKind::Locked => DomainError::Refused(Refusal::ServerLocked),
        ErrorKind::ServerNotStopped => DomainError::Refused(Refusal::ServerStateDoesNotAllow),
        ErrorKind::NotFound => DomainError::Refused(Refusal::ServerNotFound),
        ErrorKind::InvalidInput { fields } => {
            DomainError::Refused(Refusal::InvalidServerRequest(fields.clone()))
        }
        ErrorKind::ResourceUnavailable => {
            DomainError::Refused(Refusal::ServerTypeUnavailable(Vec::new()))
        }
        _ => DomainError::Refused(Refusal::HetznerUnreachable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind) -> HetznerError {
        HetznerError::new(kind)
    }

    #[test]
    fn the_most_telling_failure_wins() {
        let unauthorized = err(ErrorKind::Unauthorized);
        let readonly = err(ErrorKind::ReadOnlyToken);
        let limited = err(ErrorKind::RateLimited {
            reset_at: Some(now_unix() + 300),
        });
        let down = err(ErrorKind::ServerError { status: 503 });
        assert!(matches!(
            token_check_failure([&unauthorized, &unauthorized]),
            DomainError::Refused(Refusal::TokenRejected)
        ));
        assert!(matches!(
            token_check_failure([&readonly]),
            DomainError::Refused(Refusal::TokenReadOnly)
        ));
        assert!(matches!(
            token_check_failure([&err(ErrorKind::Forbidden)]),
            DomainError::Refused(Refusal::TokenReadOnly)
        ));
        assert!(matches!(
            token_check_failure([&limited, &readonly]),
            DomainError::Refused(Refusal::TokenReadOnly)
        ));
        match token_check_failure([&limited]) {
            DomainError::Refused(Refusal::HetznerRateLimited(retry_after_secs)) => {
                assert!((295..=300).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            token_check_failure([&down]),
            DomainError::Refused(Refusal::HetznerUnreachable)
        ));
        assert!(matches!(
            token_check_failure([&err(ErrorKind::Timeout), &err(ErrorKind::Transport)]),
            DomainError::Refused(Refusal::HetznerUnreachable)
        ));
    }

    #[test]
    fn provisioning_failures_keep_their_meaning() {
        assert!(matches!(
            provisioning_failure(&err(ErrorKind::Unauthorized)),
            DomainError::Refused(Refusal::TokenRejected)
        ));
        assert!(matches!(
            provisioning_failure(&err(ErrorKind::Protected)),
            DomainError::Refused(Refusal::ServerProtected)
        ));
        assert!(matches!(
            provisioning_failure(&err(ErrorKind::Timeout)),
            DomainError::Refused(Refusal::HetznerUnreachable)
        ));
        assert_eq!(retry_after_secs(None), 60);
        assert_eq!(retry_after_secs(Some(0)), 1);
    }
}
