//! The activity log as users read it: everything that happened to their
//! account and what Potions did in their clouds. Account → Activity shows it
//! all (`account/activity.rs`), a project page what Potions did there
//! (`recent.rs`).

pub mod recent;
pub mod server_fns;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::format::format_time;
use model::activity::{Action, Outcome};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: i64,
    /// `None` for an action this version does not know (sent as `null`).
    pub action: Option<Action>,
    pub outcome: Outcome,
    pub connection_id: Option<String>,
    pub connection_label: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub request_id: Option<String>,
    pub provider_request_id: Option<String>,
    pub client_address: String,
    /// How many attempts the entry stands for (failed sign-in steps fold).
    pub repeats: i64,
}

/// One page of entries, and the cursor of the next (older) one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub older: Option<String>,
}

/// What an entry reads as; an action this version does not know, as "Other".
fn words(action: Option<Action>) -> &'static str {
    action.map_or("Other", Action::words)
}

fn outcome_badge(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Ok => ("badge badge-success", "Done"),
        Outcome::Failed => ("badge badge-warning", "Failed"),
        Outcome::Unknown => ("badge badge-neutral", "Unknown: no answer in time"),
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
    let (badge, outcome) = outcome_badge(item.outcome);
    let outcome = match item.repeats {
        ..=1 => outcome.to_string(),
        n => format!("{outcome} {n} times"),
    };
    let what = match (&item.target_name, &item.target_id) {
        (Some(name), _) => format!("{}: {name}", words(item.action)),
        (None, Some(id)) => format!("{} (id {id})", words(item.action)),
        (None, None) => words(item.action).to_string(),
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
