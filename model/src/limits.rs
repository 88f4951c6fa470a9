//! Input rules checked twice: in the browser for instant feedback, and on the
//! server, which trusts nothing.

/// The same rule as [`is_valid_server_name`] for the browser's `pattern`
/// attribute, which checks before anything is posted. Browsers compile it
/// with the `v` flag, where a hyphen in a class must be escaped (unescaped,
/// the whole pattern is refused and the check silently skipped).
pub const SERVER_NAME_PATTERN: &str =
    "[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*";

/// A snapshot's name at most, in characters (Hetzner keeps descriptions
/// longer; DigitalOcean's names with Potions' mark stay readable).
pub const SNAPSHOT_NAME_MAX: usize = 100;

/// RFC 1123 host names: dot-separated labels of letters, digits and hyphens,
/// 1–63 characters each, no hyphen at either end, 253 in all.
pub fn is_valid_server_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_follow_rfc_1123() {
        for good in ["web-1", "a", "db.internal", "x1-y2", &"a".repeat(63)] {
            assert!(is_valid_server_name(good), "{good}");
        }
        for bad in [
            "",
            "-web",
            "web-",
            "we_b",
            "web 1",
            "web..1",
            "wéb",
            &"a".repeat(64),
            "<script>",
        ] {
            assert!(!is_valid_server_name(bad), "{bad}");
        }
    }
}
