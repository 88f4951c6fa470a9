//! Each project's rate-limit bucket, as Hetzner's `RateLimit-*` headers report it.

use std::time::Instant;

use super::{unix_now, ProjectId, World};

#[derive(Debug)]
pub(super) struct Bucket {
    pub tokens: f64,
    pub updated: Instant,
}

/// The three rate-limit headers' values after a request.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitState {
    pub limit: u32,
    pub remaining: u32,
    pub reset_unix: i64,
}

impl World {
    /// Takes one request from the project's bucket; `Err` when it is empty.
    pub fn consume(&mut self, project: ProjectId) -> Result<RateLimitState, RateLimitState> {
        let capacity = f64::from(self.config.rate_limit);
        let refill = self.config.refill_per_sec.max(f64::MIN_POSITIVE);
        let Some(p) = self.projects.get_mut(project.0) else {
            return Err(RateLimitState {
                limit: self.config.rate_limit,
                remaining: 0,
                reset_unix: unix_now(),
            });
        };
        let now = Instant::now();
        let elapsed = now.duration_since(p.bucket.updated).as_secs_f64();
        p.bucket.tokens = (p.bucket.tokens + elapsed * refill).min(capacity);
        p.bucket.updated = now;
        let allowed = p.bucket.tokens >= 1.0;
        if allowed {
            p.bucket.tokens -= 1.0;
        }
        let state = RateLimitState {
            limit: self.config.rate_limit,
            remaining: p.bucket.tokens.floor().max(0.0) as u32,
            reset_unix: unix_now() + ((capacity - p.bucket.tokens) / refill).ceil() as i64,
        };
        if allowed {
            Ok(state)
        } else {
            Err(state)
        }
    }

    /// Empties a project's bucket, as a burst of other clients would.
    pub fn exhaust(&mut self, project: ProjectId) {
        if let Some(p) = self.projects.get_mut(project.0) {
            p.bucket.tokens = 0.0;
            p.bucket.updated = Instant::now();
        }
    }
}
