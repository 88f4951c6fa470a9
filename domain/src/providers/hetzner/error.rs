//! Hetzner's answers as typed errors, keyed on the `code` field.

use std::fmt;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The token is invalid, unknown or revoked.
    Unauthorized,
    /// A Read token tried to write.
    ReadOnlyToken,
    /// Not allowed; treated as insufficient permission.
    Forbidden,
    /// The project's allowance is spent until `reset_at` (UNIX seconds).
    RateLimited {
        reset_at: Option<i64>,
    },
    /// A name or SSH key fingerprint already exists.
    Uniqueness {
        fields: Vec<String>,
    },
    InvalidInput {
        fields: Vec<String>,
    },
    NotFound,
    /// Delete- or rebuild-protected.
    Protected,
    /// The resource is busy with another action.
    Locked,
    /// The action needs the server off (`server_not_stopped`).
    ServerNotStopped,
    /// The resource changed meanwhile; retry.
    Conflict,
    /// A project limit, e.g. the number of servers.
    ResourceLimitExceeded {
        limits: Vec<String>,
    },
    /// E.g. a server type not sold in the chosen location.
    ResourceUnavailable,
    Maintenance,
    /// Hetzner failed (5xx) or gave up (`timeout`).
    ServerError {
        status: u16,
    },
    /// No answer within our deadline.
    Timeout,
    /// The connection failed or dropped.
    Transport,
    /// An answer we cannot read: not JSON, wrong shape, too large, or an unknown code.
    UnexpectedAnswer {
        status: u16,
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HetznerError {
    pub kind: ErrorKind,
    /// `X-Correlation-Id` of the failed answer, for Hetzner support and our logs.
    pub correlation_id: Option<String>,
}

impl ErrorKind {
    /// True for `invalid_input` that names `field` among the invalid ones.
    pub fn names_field_of_invalid_input(&self, field: &str) -> bool {
        matches!(self, Self::InvalidInput { fields } if fields.iter().any(|f| f == field))
    }
}

impl HetznerError {
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            correlation_id: None,
        }
    }

    /// Maps Hetzner's error `code` (not the status) to a kind.
    pub fn from_code(code: &str, status: u16, details: &serde_json::Value) -> ErrorKind {
        let names = |list: &str| -> Vec<String> {
            details[list]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        match code {
            "unauthorized" => ErrorKind::Unauthorized,
            "token_readonly" => ErrorKind::ReadOnlyToken,
            "forbidden" => ErrorKind::Forbidden,
            "rate_limit_exceeded" => ErrorKind::RateLimited { reset_at: None },
            "uniqueness_error" => ErrorKind::Uniqueness {
                fields: names("fields"),
            },
            "invalid_input" => ErrorKind::InvalidInput {
                fields: names("fields"),
            },
            "not_found" => ErrorKind::NotFound,
            "protected" => ErrorKind::Protected,
            "locked" => ErrorKind::Locked,
            "server_not_stopped" => ErrorKind::ServerNotStopped,
            "invalid_server_type" => ErrorKind::InvalidInput {
                fields: vec!["server_type".into()],
            },
            "conflict" => ErrorKind::Conflict,
            "resource_limit_exceeded" => ErrorKind::ResourceLimitExceeded {
                limits: names("limits"),
            },
            "resource_unavailable" => ErrorKind::ResourceUnavailable,
            "maintenance" => ErrorKind::Maintenance,
            "server_error" | "unavailable" | "timeout" | "service_error" => {
                ErrorKind::ServerError { status }
            }
            other => ErrorKind::UnexpectedAnswer {
                status,
                detail: format!("error code {other}"),
            },
        }
    }

    /// Whether repeating the request may succeed. Calls that may already have
    /// been applied (`idempotent == false`) repeat only on answers that say
    /// nothing was done.
    pub fn is_retryable(&self, idempotent: bool) -> bool {
        match &self.kind {
            ErrorKind::RateLimited { .. } | ErrorKind::Conflict => true,
            ErrorKind::ServerError { status } => idempotent && matches!(status, 502..=504),
            _ => false,
        }
    }
}

impl fmt::Display for HetznerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hetzner API: {:?}", self.kind)?;
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for HetznerError {}
