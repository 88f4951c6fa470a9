//! What a connection is, as stored: its status and the rules for its label.

pub use model::ConnectionStatus;

use crate::error::DomainError;
use crate::error::Refusal;
use model::ConnectionId;

pub const MAX_LABEL_CHARS: usize = 64;
pub const DEFAULT_LABEL: &str = "Hetzner project";

/// A connection without its secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Connection {
    pub id: ConnectionId,
    pub provider: String,
    pub label: String,
    #[sqlx(try_from = "String")]
    pub status: ConnectionStatus,
    /// The provider's id of the user's Potions SSH key in this project.
    pub ssh_key_id: i64,
    pub connected_at: i64,
    pub last_verified_at: i64,
    /// Bumped by each change Potions makes in the project; cache keys hold it.
    pub generation: i64,
    /// The DigitalOcean team a connection reaches (none for Hetzner).
    pub team_name: Option<String>,
}

/// Trims a label and checks it: at most 64 characters, no control
/// characters; empty means the default.
pub fn normalize_label(raw: &str) -> Result<String, DomainError> {
    let label: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match label.chars().count() {
        0 => Ok(DEFAULT_LABEL.into()),
        n if n <= MAX_LABEL_CHARS => Ok(label),
        _ => Err(DomainError::Refused(Refusal::LabelTooLong)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_bounded_and_defaulted() {
        assert_eq!(normalize_label("  prod  ").ok().as_deref(), Some("prod"));
        assert_eq!(normalize_label("   ").ok().as_deref(), Some(DEFAULT_LABEL));
        assert_eq!(
            normalize_label(&"é".repeat(64))
                .map(|l| l.chars().count())
                .ok(),
            Some(64)
        );
        assert!(matches!(
            normalize_label(&"a".repeat(65)),
            Err(DomainError::Refused(Refusal::LabelTooLong))
        ));
        assert_eq!(normalize_label("a\nb\u{0}c").ok().as_deref(), Some("a b c"));
    }
}
