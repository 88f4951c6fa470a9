//! The fake's clock: the real time plus an offset tests can move forward,
//! so that 30 days can pass in a test.

use std::time::Duration;

#[derive(Debug, Default, Clone, Copy)]
pub struct Clock {
    offset: Duration,
}

impl Clock {
    /// Milliseconds since the UNIX epoch, as the fake sees it.
    pub fn now_ms(&self) -> i64 {
        let real = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        i64::try_from(real).unwrap_or(i64::MAX)
            + i64::try_from(self.offset.as_millis()).unwrap_or(i64::MAX)
    }

    pub fn now_secs(&self) -> i64 {
        self.now_ms() / 1000
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset += by;
    }
}

/// `2026-11-29T10:00:00Z` for a time in milliseconds.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}
