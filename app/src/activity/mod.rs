//! The activity log as users read it: everything that happened to their
//! account and what Potions did in their clouds. Account → Activity shows it
//! all (`account/activity.rs`), a project page what Potions did there
//! (`recent.rs`).

pub mod recent;
pub mod server_fns;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::format::format_time;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: i64,
    pub action: String,
    /// `ok`, `failed` or `unknown`.
    pub outcome: String,
    pub connection_id: Option<String>,
    pub connection_label: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub request_id: Option<String>,
    pub provider_request_id: Option<String>,
    pub client_address: String,
}

/// One page of entries, and the cursor of the next (older) one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub older: Option<String>,
}

/// What an action reads as.
pub fn describe(action: &str) -> &'static str {
    match action {
        "account.created" => "Account created",
        "account.sign_in.password" => "Password entered",
        "account.sign_in.authenticator_code" => "Signed in with an authenticator code",
        "account.sign_in.recovery_code" => "Signed in with a recovery code",
        "account.sign_in.second_factor" => "Two-factor code entered",
        "account.sign_in.passkey" => "Passkey used to sign in",
        "account.session.signed_out" => "Signed out",
        "account.session.ended_elsewhere" => "Another browser signed out",
        "account.session.ended_everywhere_else" => "Every other browser signed out",
        "account.two_factor.turned_on" => "Two-factor sign-in turned on",
        "account.two_factor.turned_off" => "Two-factor sign-in turned off",
        "account.recovery_codes.replaced" => "New recovery codes made",
        "account.passkey.added" => "Passkey added",
        "account.passkey.renamed" => "Passkey renamed",
        "account.passkey.removed" => "Passkey removed",
        "connection.connected" => "Connected",
        "connection.rechecked" => "Re-checked",
        "connection.renamed" => "Renamed",
        "connection.token_replaced" => "Access replaced",
        "connection.refreshed" => "Access renewed",
        "connection.disconnected" => "Disconnected",
        "cloud.server.created" => "Server created",
        "cloud.server.deleted" => "Server deleted",
        "cloud.ssh_key.added" => "SSH key added",
        "cloud.ssh_key.removed" => "SSH key removed",
        _ => "Other",
    }
}

fn outcome_badge(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "ok" => ("badge badge-success", "Done"),
        "failed" => ("badge badge-warning", "Failed"),
        _ => ("badge badge-neutral", "Unknown: no answer in time"),
    }
}

/// The entries as a list, newest first.
#[component]
pub(crate) fn ActivityList(items: Vec<ActivityItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"Nothing yet."</p> }.into_any();
    }
    view! {
        <ul class="connection-list">
            {items.into_iter().map(|item| view! { <ActivityRow item /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ActivityRow(item: ActivityItem) -> impl IntoView {
    let (badge, outcome) = outcome_badge(&item.outcome);
    let what = match (&item.target_name, &item.target_id) {
        (Some(name), _) => format!("{}: {name}", describe(&item.action)),
        (None, Some(id)) => format!("{} (id {id})", describe(&item.action)),
        (None, None) => describe(&item.action).to_string(),
    };
    let ids = [
        item.provider_request_id
            .as_ref()
            .map(|id| format!("provider request {id}")),
        item.request_id
            .as_ref()
            .map(|id| format!("Potions request {id}")),
        (!item.client_address.is_empty()).then(|| format!("from {}", item.client_address)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <li class="connection" data-testid="activity">
            <div class="connection-head">
                <h3 class="project-name">{what}</h3>
                <span class=badge>{outcome}</span>
            </div>
            <p class="muted">
                {format_time(item.at)} {item.connection_label.map(|label| format!(" · {label}"))}
            </p>
            {(!ids.is_empty()).then(|| view! { <p class="hint">{ids}</p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_action_has_words() {
        for action in [
            "account.created",
            "account.sign_in.password",
            "cloud.server.created",
            "cloud.ssh_key.removed",
            "connection.disconnected",
            "connection.refreshed",
        ] {
            assert_ne!(describe(action), "Other", "{action}");
        }
    }
}
