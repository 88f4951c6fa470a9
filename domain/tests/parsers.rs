#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
//! Property tests of the parsers that see untrusted text: tokens and SSH
//! public keys never panic, and accept exactly what they should.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use domain::providers::hetzner::ApiToken;
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
    fn keys_with_a_mangled_type_prefix_are_refused(position in 0usize..15, flip in 1u8..=255) {
        // The blob starts with the key type as a length-prefixed string (4 + 11
        // bytes for ssh-ed25519): any change there must be refused.
        let (public, _) = ssh::generate_ed25519("x@y");
        let blob = public.split_whitespace().nth(1).unwrap();
        let mut bytes = STANDARD.decode(blob).unwrap();
        bytes[position] ^= flip;
        let line = format!("ssh-ed25519 {} x@y", STANDARD.encode(&bytes));
        prop_assert!(!ssh::is_public_key(&line), "{line}");
        prop_assert!(ssh::md5_fingerprint(&line).is_none());
    }

    #[test]
    fn keys_cut_short_or_of_another_type_are_refused(keep in 0usize..15) {
        let (public, _) = ssh::generate_ed25519("x@y");
        let blob = public.split_whitespace().nth(1).unwrap();
        let bytes = STANDARD.decode(blob).unwrap();
        let cut = format!("ssh-ed25519 {} x@y", STANDARD.encode(&bytes[..keep]));
        prop_assert!(!ssh::is_public_key(&cut), "{cut}");
        // The right blob under another type's name.
        let renamed = format!("ssh-rsa {blob} x@y");
        prop_assert!(!ssh::is_public_key(&renamed));
    }

    #[test]
    fn generated_keys_always_parse(comment in "[a-z@.]{1,20}") {
        let (public, _) = ssh::generate_ed25519(&comment);
        prop_assert!(ssh::is_public_key(&public));
        prop_assert_eq!(ssh::md5_fingerprint(&public).map(|f| f.len()), Some(47));
    }
}
