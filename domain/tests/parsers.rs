#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! Property tests of the parsers that see untrusted text: tokens and SSH
//! public keys never panic, and accept exactly what they should.

use domain::hetzner::ApiToken;
use domain::ssh;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn token_parsing_accepts_exactly_64_ascii_alphanumerics(raw in ".{0,200}") {
        let trimmed = raw.trim();
        let expected = trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_alphanumeric());
        prop_assert_eq!(ApiToken::parse(&raw).is_ok(), expected);
    }

    #[test]
    fn valid_tokens_survive_surrounding_white_space(
        token in "[A-Za-z0-9]{64}",
        before in "[ \t\r\n]{0,5}",
        after in "[ \t\r\n]{0,5}",
    ) {
        let parsed = ApiToken::parse(&format!("{before}{token}{after}")).unwrap();
        prop_assert_eq!(parsed.expose_secret(), token.as_str());
    }

    #[test]
    fn public_key_parsing_never_panics(raw in any::<String>()) {
        let _ = ssh::is_public_key(&raw);
        let _ = ssh::md5_fingerprint(&raw);
    }

    #[test]
    fn keys_with_a_mangled_blob_are_refused(blob in "[A-Za-z0-9+/=]{0,120}") {
        // A random blob almost never starts with the right length-prefixed type.
        let line = format!("ssh-ed25519 {blob} x@y");
        if ssh::is_public_key(&line) {
            prop_assert!(ssh::md5_fingerprint(&line).is_some());
        }
    }

    #[test]
    fn generated_keys_always_parse(comment in "[a-z@.]{1,20}") {
        let (public, _) = ssh::generate_ed25519(&comment);
        prop_assert!(ssh::is_public_key(&public));
        prop_assert_eq!(ssh::md5_fingerprint(&public).map(|f| f.len()), Some(47));
    }
}
