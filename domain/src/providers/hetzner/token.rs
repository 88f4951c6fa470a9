//! A Hetzner API token: never printed, zeroed when dropped.

use zeroize::Zeroizing;

pub const TOKEN_LENGTH: usize = 64;

/// Returned when pasted text cannot be a Hetzner token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a Hetzner API token: tokens are 64 letters and digits")]
pub struct MalformedToken;

pub struct ApiToken(Zeroizing<String>);

impl ApiToken {
    /// Trims surrounding white space and checks the format: exactly 64 ASCII
    /// letters and digits. Nothing else is ever sent to Hetzner.
    pub fn parse(raw: &str) -> Result<Self, MalformedToken> {
        let trimmed = raw.trim();
        if trimmed.len() == TOKEN_LENGTH && trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(Zeroizing::new(trimmed.to_string())))
        } else {
            Err(MalformedToken)
        }
    }

    /// The plaintext, for the Authorization header and for encryption only.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl Clone for ApiToken {
    fn clone(&self) -> Self {
        Self(Zeroizing::new(self.0.to_string()))
    }
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl std::fmt::Display for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY5zA7cD9fG1hJ3k";

    #[test]
    fn accepts_64_letters_and_digits_after_trimming() {
        assert_eq!(GOOD.len(), 64);
        assert_eq!(
            ApiToken::parse(GOOD).map(|t| t.expose_secret().to_string()),
            Ok(GOOD.to_string())
        );
        assert!(ApiToken::parse(&format!("  {GOOD}\n")).is_ok());
    }

    #[test]
    fn refuses_everything_else() {
        let cases = [
            String::new(),
            GOOD[..63].to_string(),
            format!("{GOOD}a"),
            "a".repeat(10_000),
            format!("{}-", &GOOD[..63]),
            format!("{} {}", &GOOD[..32], &GOOD[32..63]),
            format!("{}\u{0}", &GOOD[..63]),
            format!("{}é", &GOOD[..62]),
            format!("{}<", &GOOD[..63]),
        ];
        for case in cases {
            assert_eq!(
                ApiToken::parse(&case).map(|_| ()),
                Err(MalformedToken),
                "{case:?}"
            );
        }
    }

    #[test]
    fn never_prints_the_secret() {
        let token = ApiToken::parse(GOOD).expect("valid");
        assert!(!format!("{token:?} {token}").contains(&GOOD[..8]));
    }
}
