//! How a connection stands: usable, or refused by its provider.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionStatus {
    Connected,
    /// The provider rejected the stored access (the token, or for
    /// DigitalOcean the refresh); Potions stopped using it.
    NeedsAttention,
}

impl ConnectionStatus {
    /// The status as a connection row stores it.
    pub fn stored_name(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NeedsAttention => "needs_attention",
        }
    }

    /// A stored status; anything but `needs_attention` reads as connected,
    /// as the column's default is.
    pub fn from_stored_name(stored: &str) -> Self {
        if stored == Self::NeedsAttention.stored_name() {
            Self::NeedsAttention
        } else {
            Self::Connected
        }
    }
}

/// Read from a connection row (sqlx reads the column as text first).
impl From<String> for ConnectionStatus {
    fn from(stored: String) -> Self {
        Self::from_stored_name(&stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_statuses_read_back_and_unknown_ones_read_as_connected() {
        for status in [
            ConnectionStatus::Connected,
            ConnectionStatus::NeedsAttention,
        ] {
            assert_eq!(
                ConnectionStatus::from(status.stored_name().to_string()),
                status
            );
        }
        assert_eq!(
            ConnectionStatus::from("paused".to_string()),
            ConnectionStatus::Connected
        );
    }
}
