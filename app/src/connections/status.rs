//! How a connection's status reads, wherever it is shown.

use leptos::prelude::*;

use super::ConnectionStatus;

#[component]
pub fn StatusBadge(status: ConnectionStatus) -> impl IntoView {
    let (class, text) = match status {
        ConnectionStatus::Connected => ("badge badge-success", "Connected"),
        ConnectionStatus::NeedsAttention => ("badge badge-warning", "Needs attention"),
    };
    view! { <span class=class>{text}</span> }
}
