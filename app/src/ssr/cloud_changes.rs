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
