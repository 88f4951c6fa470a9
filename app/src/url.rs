//! Small URL helpers shared by server and browser.

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only same-site paths may be a redirect target: `/x`, never `//host` or `/\host`.
pub fn local_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.chars().any(|c| c.is_control());
    ok.then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode_component("plain-text_1.~"), "plain-text_1.~");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path("/account"), Some("/account"));
        assert_eq!(local_path("/a?b=c"), Some("/a?b=c"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "account",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
