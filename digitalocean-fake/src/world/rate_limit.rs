//! Rate limits per token: 5,000 an hour and 250 a minute, and 10 key
//! listings a minute, told in `ratelimit-*` headers and `retry-after`.

use super::World;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// A fixed window: when it started and how much of it is spent.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    start_ms: i64,
    count: u32,
}

impl Window {
    fn roll(&mut self, now: i64, length: i64) {
        if now - self.start_ms >= length {
            *self = Window {
                start_ms: now,
                count: 0,
            };
        }
    }

    fn retry_after_secs(&self, now: i64, length: i64) -> i64 {
        ((self.start_ms + length - now) / 1000).max(1)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Usage {
    hour: Window,
    minute: Window,
    key_listings: Window,
}

/// What the `ratelimit-*` headers say, and `retry-after` on a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub limit: u32,
    pub remaining: u32,
    /// UNIX seconds when the hourly allowance is full again.
    pub reset_secs: i64,
    pub retry_after: Option<i64>,
}

impl World {
    /// Counts one request of `token`; `Err` when it is over a limit (and not counted).
    pub fn consume(&mut self, token: &str, listing_keys: bool) -> Result<Limited, Limited> {
        let now = self.clock.now_ms();
        let config = self.config.clone();
        let usage = self.usage.entry(token.to_string()).or_default();
        usage.hour.roll(now, HOUR_MS);
        usage.minute.roll(now, MINUTE_MS);
        usage.key_listings.roll(now, MINUTE_MS);
        let mut answer = Limited {
            limit: config.requests_per_hour,
            remaining: config.requests_per_hour.saturating_sub(usage.hour.count),
            reset_secs: (usage.hour.start_ms + HOUR_MS) / 1000,
            retry_after: None,
        };
        let over = if usage.hour.count >= config.requests_per_hour {
            Some(usage.hour.retry_after_secs(now, HOUR_MS))
        } else if usage.minute.count >= config.requests_per_minute {
            Some(usage.minute.retry_after_secs(now, MINUTE_MS))
        } else if listing_keys && usage.key_listings.count >= config.key_listings_per_minute {
            Some(usage.key_listings.retry_after_secs(now, MINUTE_MS))
        } else {
            None
        };
        if let Some(wait) = over {
            answer.retry_after = Some(wait);
            return Err(answer);
        }
        usage.hour.count += 1;
        usage.minute.count += 1;
        if listing_keys {
            usage.key_listings.count += 1;
        }
        answer.remaining -= 1;
        Ok(answer)
    }

    /// Spends the token's hourly allowance, as a busy neighbour would.
    pub fn exhaust(&mut self, token: &str) {
        let now = self.clock.now_ms();
        let hour = self.config.requests_per_hour;
        let usage = self.usage.entry(token.to_string()).or_default();
        usage.hour = Window {
            start_ms: now,
            count: hour,
        };
    }
}
