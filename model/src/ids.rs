//! Ids the compiler tells apart: a user's id cannot be passed where a
//! connection's is meant. Each is the opaque random text Potions made
//! (`domain::db::new_id`), sent as a plain JSON string.

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
    }
}
