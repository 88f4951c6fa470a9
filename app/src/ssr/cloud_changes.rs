//! Changes Potions makes in a cloud, for the activity log.

use domain::activity::{Entry, Outcome, Target};
use domain::provisioning::{Changed, Refused};
use domain::DomainError;

use crate::ssr::AppState;

/// How a change turned out; `None` when it was refused before anything
/// was sent (a bad name, an unconfirmed delete), so nothing changed.
fn outcome<T>(result: &Result<Changed<T>, Refused>) -> Option<Outcome> {
    match result {
        Ok(_) => Some(Outcome::Ok),
        Err(refused) if !refused.sent => None,
        // No answer in time: it may have happened.
        Err(Refused {
            error:
                DomainError::Refused(domain::Refusal::HetznerUnreachable)
                | DomainError::Refused(domain::Refusal::DigitalOceanUnreachable),
            ..
        }) => Some(Outcome::Unknown),
        Err(_) => Some(Outcome::Failed),
    }
}

/// Records `action` on the resource `(id, name)` of connection `connection_id`.
pub async fn record<T>(
    state: &AppState,
    user_id: &model::UserId,
    connection_id: &model::ConnectionId,
    action: domain::activity::Action,
    resource: (String, &str),
    result: &Result<Changed<T>, Refused>,
) {
    let Some(outcome) = outcome(result) else {
        return;
    };
    let Ok(connection) = state.connections.get(user_id, connection_id).await else {
        return;
    };
    let (id, name) = resource;
    let entry = Entry::new(action, outcome)
        .on(connection_id, &connection.label)
        .target(Target {
            provider: connection.provider,
            id,
            name: name.trim().to_string(),
        })
        .provider_request(match result {
            Ok(changed) => changed.provider_request_id.clone(),
            Err(refused) => refused.provider_request_id.clone(),
        });
    crate::ssr::record(state, user_id, entry).await;
}
