//! A project: the cloud project reached through one connection (the URL
//! `/projects/:id` carries the connection's id). Its servers (each with its
//! own page, in `servers/`), creating and deleting them with live progress,
//! its SSH keys, and its snapshots (`snapshots.rs`: the page, the table and
//! the delete form a server's page shares). Provider-neutral: the server functions ask the domain,
//! which asks the connection's provider.

pub mod create_server;
pub mod delete_server;
pub mod progress;
pub mod project;
pub mod server_fns;
pub mod snapshots;
pub mod ssh_keys;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use model::provisioning::{Currency, Server, Snapshot};

use crate::connections::ConnectionStatus;
use crate::providers::Provider;

/// A connection's snapshots, for its Snapshots page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotList {
    /// Newest first.
    pub snapshots: Vec<Snapshot>,
    /// The catalogue's, for the costs; `None` when it cannot be read now.
    pub currency: Option<Currency>,
    /// What deleting one asks for besides its name.
    pub ask_again: model::AskAgain,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectOverview {
    pub connection_id: String,
    pub provider: Provider,
    pub label: String,
    pub status: ConnectionStatus,
    pub servers: Vec<Server>,
}

/// The connection id from the URL.
pub(crate) fn connection_id_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").unwrap_or_default())
}

/// Shown instead of a project that is not (or no longer) connected. Its
/// provider is unknown here, so every provider's connect page is offered.
#[component]
fn NotConnected() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"This project isn't connected"</h1>
            <p>
                "It may have been disconnected. Potions sends nothing to its cloud until you \
                    connect it again; its servers keep running and can be managed in the \
                    provider's own console."
            </p>
            <div class="actions">
                {Provider::CONNECTABLE
                    .into_iter()
                    .map(|provider| {
                        view! {
                            <A
                                href=crate::providers::connect_path(provider)
                                attr:class="button button-secondary"
                            >
                                {format!("Reconnect {}", provider.name())}
                            </A>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// `NotConnected` for a missing connection, the usual notice otherwise.
pub(crate) fn project_error(err: crate::error::AppError) -> AnyView {
    match err {
        crate::error::AppError(crate::error::Refusal::ConnectionNotFound) => {
            view! { <NotConnected /> }.into_any()
        }
        err => view! { <crate::components::ErrorNotice error=err /> }.into_any(),
    }
}
