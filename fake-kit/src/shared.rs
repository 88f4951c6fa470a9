//! A fake's state, shared by its handlers and its controller: the provider's
//! world, the faults waiting to be injected, added latency, and the record of
//! every exchange.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::{Exchange, Fault};

#[derive(Debug)]
pub struct FakeState<W> {
    pub world: W,
    pub faults: Vec<Fault>,
    pub latency: Duration,
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug)]
pub struct Shared<W>(Arc<Mutex<FakeState<W>>>);

impl<W> Clone for Shared<W> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<W> Shared<W> {
    pub fn new(world: W) -> Self {
        Self(Arc::new(Mutex::new(FakeState {
            world,
            faults: Vec::new(),
            latency: Duration::ZERO,
            exchanges: Vec::new(),
        })))
    }

    /// The lock is never held across an await; a poisoned lock still holds
    /// consistent data because every mutation completes before unlocking.
    pub fn lock(&self) -> MutexGuard<'_, FakeState<W>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// Records an answer, to be checked against the provider's description.
    pub fn record(&self, method: &str, path: &str, status: u16, body: Option<serde_json::Value>) {
        self.push(method, path, status, body, false);
    }

    /// Records a request answered unlike the API on purpose (a fault).
    pub fn record_on_purpose(&self, method: &str, path: &str) {
        self.push(method, path, 0, None, true);
    }

    fn push(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: Option<serde_json::Value>,
        on_purpose: bool,
    ) {
        self.lock().exchanges.push(Exchange {
            method: method.to_string(),
            path: path.to_string(),
            status,
            body,
            malformed_on_purpose: on_purpose,
        });
    }

    /// Every request answered so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.lock().exchanges.clone()
    }

    /// How many requests matched `method` and a path starting with `path`.
    pub fn request_count(&self, method: &str, path: &str) -> usize {
        self.lock()
            .exchanges
            .iter()
            .filter(|e| e.method.eq_ignore_ascii_case(method) && e.path.starts_with(path))
            .count()
    }
}
