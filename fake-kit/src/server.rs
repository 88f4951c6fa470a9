//! A fake serving on 127.0.0.1 in the test's own runtime; stops when dropped,
//! and then, in tests, checks everything it answered.

use axum::Router;
use std::net::SocketAddr;

use crate::shared::Shared;
use crate::Exchange;

/// Finds how the recorded exchanges differ from the provider's description.
pub type Check = fn(&[Exchange]) -> Vec<String>;

pub struct Server<W> {
    pub shared: Shared<W>,
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    check: Option<(&'static str, Check)>,
}

impl<W> Server<W> {
    /// Serves `app` at `addr` (port 0 picks a free one).
    pub async fn start(addr: SocketAddr, shared: Shared<W>, app: Router) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                eprintln!("a fake stopped: {err}");
            }
        });
        Ok(Self {
            shared,
            addr,
            task,
            check: None,
        })
    }

    /// When dropped (and not already panicking), fails with every way the
    /// answers of `provider` differ from its description.
    pub fn checked_on_drop(mut self, provider: &'static str, check: Check) -> Self {
        self.check = Some((provider, check));
        self
    }
}

impl<W> Drop for Server<W> {
    fn drop(&mut self) {
        self.task.abort();
        if let Some((provider, check)) = self.check {
            if !std::thread::panicking() {
                let violations = check(&self.shared.exchanges());
                assert!(
                    violations.is_empty(),
                    "the fake {provider} drifted from the OpenAPI description:\n{}",
                    violations.join("\n")
                );
            }
        }
    }
}
