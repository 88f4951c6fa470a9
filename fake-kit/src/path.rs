//! A request path's segments as the real APIs read them: percent-decoded
//! one by one (after splitting, so an encoded `/` stays inside its
//! segment). Clients encode what they put in a path (DigitalOcean's Python
//! client sends a key's fingerprint with `%3A` for each colon).

use percent_encoding::percent_decode_str;

/// The segments of `path` after `prefix`, each decoded; a segment that is
/// not UTF-8 once decoded is kept as sent, and so matches nothing.
pub fn segments(path: &str, prefix: &str) -> Vec<String> {
    path.strip_prefix(prefix)
        .unwrap_or(path)
        .trim_matches('/')
        .split('/')
        .map(|segment| {
            percent_decode_str(segment)
                .decode_utf8()
                .map_or_else(|_| segment.to_string(), |decoded| decoded.into_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_segment_is_decoded_after_splitting() {
        assert_eq!(
            segments("/v2/account/keys/3b%3A16%3Abf", "/v2"),
            ["account", "keys", "3b:16:bf"]
        );
        assert_eq!(
            segments("/v1/servers/%31/a%2Fb", "/v1"),
            ["servers", "1", "a/b"]
        );
        assert_eq!(segments("/v1/servers/%FF", "/v1"), ["servers", "%FF"]);
    }
}
