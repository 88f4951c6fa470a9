//! Changes Potions makes in a cloud, for the activity log.

use domain::provisioning::{cloud_change_entry, Changed, Refused};

use crate::ssr::AppState;

/// Records `action` on the resource `(id, name)` of connection `connection_id`.
pub async fn record<T>(
    state: &AppState,
    user_id: &model::UserId,
    connection_id: &model::ConnectionId,
    action: domain::activity::Action,
    resource: (String, &str),
    result: &Result<Changed<T>, Refused>,
) {
    let Ok(connection) = state.connections.get(user_id, connection_id).await else {
        return;
    };
    if let Some(entry) = cloud_change_entry(&connection, action, resource, result) {
        crate::ssr::record(state, user_id, entry).await;
    }
}

/// Takes a snapshot of `server` first, then `step` once it is made (the
/// safety net); a plain form post then follows the snapshot on the server's
/// page, which says the step follows.
pub async fn after_a_snapshot(
    state: &AppState,
    user_id: &model::UserId,
    id: &model::ConnectionId,
    server: &model::provisioning::Server,
    step: domain::safety_net::RiskyStep,
) -> Result<(), crate::error::AppError> {
    let request = crate::ssr::request_info();
    let taken = state
        .safety_nets
        .start(user_id, id, server, step, &request)
        .await?;
    let actions: Vec<String> = taken.value.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&format!(
        "{}?snapshot=1&actions={}",
        crate::paths::server(id.as_str(), server.id),
        actions.join(",")
    ));
    Ok(())
}
