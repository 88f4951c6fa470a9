//! DigitalOcean's answers as typed errors, keyed on the status and the
//! error `id` (never on the message, which is kept only to show).

use std::fmt;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: the token expired, was revoked, or is unknown.
    Unauthorized,
    /// 403: the token lacks the scope.
    Forbidden,
    NotFound,
    /// 422: invalid input, e.g. a size not sold in the region or an SSH key
    /// already in the team. The message is DigitalOcean's, for display only.
    Unprocessable {
        message: String,
    },
    /// 400: a malformed request.
    BadRequest {
        message: String,
    },
    /// 429: wait `retry_after_secs`, or until `reset_at` (UNIX seconds).
    RateLimited {
        retry_after_secs: Option<u64>,
        reset_at: Option<i64>,
    },
    /// DigitalOcean failed (5xx).
    ServerError {
        status: u16,
    },
    /// No answer within our deadline.
    Timeout,
    /// The connection failed or dropped.
    Transport,
    /// An answer we cannot read: not JSON, wrong shape, too large, a hostile link.
    UnexpectedAnswer {
        status: u16,
        detail: String,
    },
    /// The OAuth host refused a code, refresh token or client.
    OAuth(OAuthErrorKind),
}

/// The `error` of an OAuth answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthErrorKind {
    /// The code or refresh token is bad, used, expired or another client's.
    InvalidGrant,
    /// Our client id or secret is wrong.
    InvalidClient,
    InvalidRequest,
    UnsupportedGrantType,
    /// The Bearer token of a revoke was not accepted.
    InvalidToken,
    Other(String),
}

impl OAuthErrorKind {
    pub(super) fn from_code(code: &str) -> Self {
        match code {
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" => Self::InvalidClient,
            "invalid_request" => Self::InvalidRequest,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_token" => Self::InvalidToken,
            other => Self::Other(other.chars().take(64).collect()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalOceanError {
    pub kind: ErrorKind,
    /// The answer's `request_id` (or `x-request-id`), for DigitalOcean support and our logs.
    pub request_id: Option<String>,
}

/// Longest provider message kept.
const MAX_MESSAGE_CHARS: usize = 300;

impl DigitalOceanError {
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            request_id: None,
        }
    }

    pub(super) fn unexpected(status: u16, detail: &str) -> Self {
        Self::new(ErrorKind::UnexpectedAnswer {
            status,
            detail: detail.into(),
        })
    }

    /// The kind for an error answer's status and `id`.
    pub(super) fn kind_for(status: u16, id: Option<&str>, message: &str) -> ErrorKind {
        let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
        match (status, id) {
            (401, _) => ErrorKind::Unauthorized,
            (403, _) => ErrorKind::Forbidden,
            (404, _) => ErrorKind::NotFound,
            (422, _) => ErrorKind::Unprocessable { message },
            (400, _) => ErrorKind::BadRequest { message },
            (429, _) => ErrorKind::RateLimited {
                retry_after_secs: None,
                reset_at: None,
            },
            (500..=599, _) => ErrorKind::ServerError { status },
            (_, Some(id)) => ErrorKind::UnexpectedAnswer {
                status,
                detail: format!("error id {id}"),
            },
            (_, None) => ErrorKind::UnexpectedAnswer {
                status,
                detail: "error without an id".into(),
            },
        }
    }

    /// Whether another attempt may succeed: a 429 always (nothing was done);
    /// 5xx, timeouts and dropped connections only when repeating is harmless.
    pub fn is_retryable(&self, idempotent: bool) -> bool {
        match self.kind {
            ErrorKind::RateLimited { .. } => true,
            ErrorKind::ServerError { .. } | ErrorKind::Timeout | ErrorKind::Transport => idempotent,
            _ => false,
        }
    }
}

impl fmt::Display for DigitalOceanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Unauthorized => f.write_str("DigitalOcean did not accept the token"),
            ErrorKind::Forbidden => f.write_str("the token lacks a scope for this"),
            ErrorKind::NotFound => f.write_str("not found at DigitalOcean"),
            ErrorKind::Unprocessable { message } | ErrorKind::BadRequest { message } => {
                write!(f, "DigitalOcean refused the request: {message}")
            }
            ErrorKind::RateLimited { .. } => f.write_str("DigitalOcean's rate limit was reached"),
            ErrorKind::ServerError { status } => write!(f, "DigitalOcean failed ({status})"),
            ErrorKind::Timeout => f.write_str("DigitalOcean did not answer in time"),
            ErrorKind::Transport => f.write_str("could not reach DigitalOcean"),
            ErrorKind::UnexpectedAnswer { status, detail } => {
                write!(
                    f,
                    "unexpected answer from DigitalOcean ({status}): {detail}"
                )
            }
            ErrorKind::OAuth(kind) => write!(f, "DigitalOcean's OAuth host refused: {kind:?}"),
        }?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DigitalOceanError {}
