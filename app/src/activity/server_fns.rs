//! Reading the activity log: the signed-in user's entries only.

use leptos::prelude::*;

use super::ActivityPage;
use crate::error::AppError;

/// One page of the user's entries, newest first, optionally of one
/// connection, one area (`account`, `connection`, `cloud`) and one server
/// (its provider's id); `older` continues from a previous page's cursor.
#[server(prefix = "/api", endpoint = "list_activity", output = crate::wire::TextJson)]
pub async fn list_activity(
    #[server(default)] connection: Option<String>,
    #[server(default)] area: Option<String>,
    #[server(default)] older: Option<String>,
    #[server(default)] server: Option<String>,
) -> Result<ActivityPage, AppError> {
    use domain::activity::{Area, Filter, PAGE_SIZE};
    let (user, state) = crate::ssr::user_and_state().await?;
    // A cursor is `<at_us>.<id>`; anything else starts from the newest.
    let before = older.as_deref().and_then(|cursor| {
        let (at, id) = cursor.split_once('.')?;
        Some((at.parse().ok()?, id.to_string()))
    });
    let filter = Filter {
        connection_id: connection.filter(|c| !c.is_empty()),
        area: area.as_deref().and_then(Area::parse),
        target_id: server.filter(|s| !s.is_empty()),
        before,
    };
    let entries = state.activity.list(&user.id, &filter).await?;
    let full = i64::try_from(entries.len()).unwrap_or(0) == PAGE_SIZE;
    let older = entries
        .last()
        .filter(|_| full)
        .map(|last| format!("{}.{}", last.at_us, last.id));
    Ok(ActivityPage {
        items: entries
            .into_iter()
            .map(|e| super::ActivityItem {
                at: e.at_us / 1_000_000,
                action: model::activity::Action::from_stored_name(&e.action),
                outcome: model::activity::Outcome::from_stored_name(&e.outcome),
                connection_id: e.connection_id,
                connection_label: e.connection_label,
                target_id: e.target_id,
                target_name: e.target_name,
                request_id: e.request_id,
                provider_request_id: e.provider_request_id,
                client_address: e.client_address,
                repeats: e.repeats,
            })
            .collect(),
        older,
    })
}
