//! What every instance does besides serving: housekeeping (expired
//! sessions, old activity, settled safety nets, DigitalOcean tokens in
//! their last day), the snapshot schedules that are due, and risky steps
//! whose safety net is made.

use app::ssr::AppState;
use std::time::Duration;

/// Deletes expired sessions, old activity and settled safety nets now and
/// then, so the tables stay small; and refreshes DigitalOcean tokens in
/// their last day, so connections nobody uses for a month still work.
pub(crate) fn spawn_housekeeping(state: &AppState, activity_retention_days: u32) {
    let sessions = state.sessions.clone();
    let connections = state.connections.clone();
    tokio::spawn(async move {
        // Not at start-up: instances started together would all sweep at once.
        let every = Duration::from_secs(600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            match connections.refresh_expiring_tokens().await {
                Ok(n) if n > 0 => tracing::info!(refreshed = n, "digitalocean tokens refreshed"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "token refresh sweep failed"),
            }
        }
    });
    let (activity, safety_nets) = (state.activity.clone(), state.safety_nets.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match sessions.purge_expired().await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "expired sessions deleted"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "session purge failed"),
            }
            match safety_nets.purge_settled().await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "settled safety nets deleted"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "safety net purge failed"),
            }
            match activity.purge(activity_retention_days).await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "old activity deleted"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "activity purge failed"),
            }
        }
    });
}

/// Runs the snapshot schedules due, and the risky steps whose safety net
/// is made that their instance left behind, every `every` (never when
/// zero). Every instance looks; each is claimed by one of them.
pub(crate) fn spawn_schedules(state: &AppState, every: Duration) {
    if every.is_zero() {
        return;
    }
    let (schedules, safety_nets) = (state.schedules.clone(), state.safety_nets.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(err) = schedules.run_due_now().await {
                tracing::warn!(error = %err, "looking for due snapshot schedules failed");
            }
            if let Err(err) = safety_nets.run_ready().await {
                tracing::warn!(error = %err, "looking for steps left after a safety net failed");
            }
        }
    });
}
