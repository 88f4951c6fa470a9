//! When this instance's lease was last confirmed. A stalled instance (paused,
//! swapped out) may have lost its lease to a rotation that retired the key it
//! seals with; it must not seal anything until a renewal confirms the lease.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::instances::LEASE_SECS;

/// Sealing stops this long after the last confirmation, well before the lease
/// (renewed every 10 s, held 30 s) can have expired on another instance's clock.
const SEALS_FOR: Duration = Duration::from_secs(LEASE_SECS.unsigned_abs() * 2 / 3);

#[derive(Debug)]
pub struct LeaseClock {
    confirmed_at: Mutex<Instant>,
}

impl LeaseClock {
    pub(crate) fn confirmed_now() -> Self {
        Self {
            confirmed_at: Mutex::new(Instant::now()),
        }
    }

    pub(crate) fn confirm(&self) {
        *self.confirmed_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    pub(crate) fn may_seal(&self) -> bool {
        self.confirmed_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
            < SEALS_FOR
    }

    #[cfg(test)]
    pub(crate) fn confirmed_ago(ago: Duration) -> Self {
        let at = Instant::now().checked_sub(ago).unwrap_or_else(Instant::now);
        Self {
            confirmed_at: Mutex::new(at),
        }
    }
}
