//! A server's snapshots' server functions: take one now, and set or turn
//! off its schedule (deleting one is the project's: `projects/`), each recorded in the
//! activity log.

use leptos::prelude::*;

use crate::error::AppError;

/// Takes a snapshot of a server, named `name` (its name and the date when
/// empty); a plain form post then follows it on the server's page.
#[server(prefix = "/api", endpoint = "take_snapshot", output = crate::wire::TextJson)]
pub async fn take_snapshot(id: String, server_id: i64, name: String) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    let taken = state
        .provisioning
        .take_snapshot(
            &user.id,
            &id,
            &server,
            &name,
            &model::snapshots::Origin::ByHand,
        )
        .await;
    let action = domain::activity::Action::SnapshotTaken;
    let resource = (server_id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(&state, &user.id, &id, action, resource, &taken).await;
    let actions: Vec<String> = taken?.value.iter().map(i64::to_string).collect();
    crate::ssr::redirect_to(&format!(
        "{}?snapshot=1&actions={}",
        crate::paths::server(id.as_str(), server_id),
        actions.join(",")
    ));
    Ok(())
}

/// Sets a server's snapshot schedule: `day` is `daily` or a weekday's
/// number (0 is Monday), `hour` the hour (UTC), `keep` how many of its
/// snapshots it keeps. A plain form post then goes back to the page.
#[server(prefix = "/api", endpoint = "set_snapshot_schedule", output = crate::wire::TextJson)]
pub async fn set_snapshot_schedule(
    id: String,
    server_id: i64,
    day: String,
    hour: u8,
    keep: u8,
) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let weekday = match day.as_str() {
        "daily" => None,
        number => Some(number.parse::<u8>().map_err(|_| {
            AppError(crate::error::Refusal::InvalidServerRequest(vec![
                "day".into()
            ]))
        })?),
    };
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    let wanted = domain::schedules::Wanted {
        weekday,
        hour,
        keep,
    };
    state.schedules.set(&user.id, &id, &server, wanted).await?;
    record_schedule_change(&state, &user.id, &id, &server).await;
    crate::ssr::redirect_to(&crate::paths::server(id.as_str(), server_id));
    Ok(())
}

/// Turns a server's snapshot schedule off; the snapshots it took stay.
#[server(prefix = "/api", endpoint = "remove_snapshot_schedule", output = crate::wire::TextJson)]
pub async fn remove_snapshot_schedule(id: String, server_id: i64) -> Result<(), AppError> {
    let (id, server_id) = (
        model::ConnectionId::new(id),
        model::ServerId::new(server_id),
    );
    let (user, state, server) = crate::ssr::user_state_and_server(&id, server_id).await?;
    state.schedules.remove(&user.id, &id, server_id).await?;
    record_schedule_change(&state, &user.id, &id, &server).await;
    crate::ssr::redirect_to(&crate::paths::server(id.as_str(), server_id));
    Ok(())
}

#[cfg(feature = "ssr")]
async fn record_schedule_change(
    state: &crate::ssr::AppState,
    user_id: &model::UserId,
    id: &model::ConnectionId,
    server: &model::provisioning::Server,
) {
    let changed = Ok(domain::provisioning::Changed::new((), None));
    let action = domain::activity::Action::SnapshotScheduleChanged;
    let resource = (server.id.to_string(), server.name.as_str());
    crate::ssr::cloud_changes::record(state, user_id, id, action, resource, &changed).await;
}
