//! Ids the compiler tells apart: a user's id cannot be passed where a
//! connection's is meant. Potions' own are the opaque random text it made
//! (`domain::db::new_id`), a provider's server id its number; each is sent
//! as a plain JSON string or number.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id! {
    /// A Potions account.
    UserId
}

text_id! {
    /// A connection: Potions' access to one Hetzner project or DigitalOcean
    /// team, and the id of its project page.
    ConnectionId
}

/// A server (Hetzner) or droplet (DigitalOcean), by the provider's own
/// number, within its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerId(i64);

impl ServerId {
    pub const fn new(id: i64) -> Self {
        Self(id)
    }

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_sent_as_its_text() {
        let id = UserId::new("u1");
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("\"u1\""));
        assert_eq!(
            serde_json::from_str::<ConnectionId>("\"c1\"").ok(),
            Some(ConnectionId::new("c1"))
        );
        assert_eq!(id.to_string(), "u1");
        assert_eq!(
            serde_json::to_string(&ServerId::new(42)).ok().as_deref(),
            Some("42")
        );
    }
}
