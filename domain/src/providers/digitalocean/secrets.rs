//! DigitalOcean's secrets: never printed, zeroed when dropped.

use zeroize::Zeroizing;

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(Zeroizing<String>);

        impl $name {
            pub fn new(text: impl Into<String>) -> Self {
                Self(Zeroizing::new(text.into()))
            }

            /// The plaintext, for the request that needs it and for encryption only.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl Clone for $name {
            fn clone(&self) -> Self {
                Self::new(self.0.as_str())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("<redacted>")
            }
        }
    };
}

secret!(
    /// An OAuth access token (`doo_v1_…`), good for 30 days.
    AccessToken
);
secret!(
    /// An OAuth refresh token (`dor_v1_…`), good for one refresh.
    RefreshToken
);
secret!(
    /// The OAuth app's client secret.
    ClientSecret
);
secret!(
    /// The single-use code the callback receives.
    AuthorizationCode
);
secret!(
    /// The PKCE verifier kept server-side between authorize and callback.
    PkceVerifier
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let token = AccessToken::new("doo_v1_secret-value");
        let refresh = RefreshToken::new("dor_v1_secret-value");
        let code = AuthorizationCode::new("code-secret-value");
        let shown = format!("{token:?} {token} {refresh:?} {refresh} {code:?} {code}");
        assert!(!shown.contains("secret-value"), "{shown}");
        assert!(shown.contains("AccessToken(<redacted>)"));
        assert_eq!(token.clone().expose_secret(), "doo_v1_secret-value");
    }
}
