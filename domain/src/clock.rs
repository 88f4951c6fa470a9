//! Wall-clock time as UNIX seconds, the unit every table stores.

use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since the epoch: orders events that share a second.
pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Today's date in UTC, e.g. `2026-12-07`.
pub fn today_utc() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// An RFC 3339 time, as providers send them (`2026-11-28T05:13:00+00:00`),
/// in UNIX seconds; `None` when it is not one.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_provider_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00+00:00"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-28T06:13:00+01:00"),
            Some(1_795_842_780)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
