//! The project page: its servers, creation progress and the create form.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::create_server::CreateServerForm;
use super::progress::{progress_now, ActionProgress, Following, Job};
use super::server_fns::{load_create_server_choices, load_project};
use model::provisioning::Server;

use super::{connection_id_param, project_error};
use crate::activity::recent::{recent_changes, WhatPotionsDidHere};
use crate::components::{Copyable, Loaded};
use crate::connections::ConnectionStatus;
use crate::format::format_optional_time;
use crate::paths;
use crate::providers::{Provider, RestoreAccess};

const CREATING: Job = Job {
    title: "Creating your server",
    underway: "the server is being created and started",
    done: "The server is running.",
    failed_to: "create the server",
};

#[component]
pub fn ProjectPage() -> impl IntoView {
    let id = connection_id_param();
    let query = use_query_map();
    let refresh = RwSignal::new(0u32);
    let project = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| load_project(id),
    );
    let choices = Resource::new(move || id.get(), load_create_server_choices);
    let recent = recent_changes(id, refresh);
    let follow = Following::default();
    let now = progress_now(id, move || query.read().get("actions"));
    let watched = move || query.read().get("actions");
    let deleted = move || query.read().get("deleted");
    view! {
        <leptos_meta::Title text="Project" />
        <Loaded
            resource=project
            signed_in=true
            loading="Loading the project…"
            on_error=project_error
            let:p
        >
            {
                let attention = p.status == ConnectionStatus::NeedsAttention;
                let connection_id = p.connection_id.clone();
                let provider = p.provider;
                view! {
                    <div class="page-head">
                        <h1>{p.label.clone()}</h1>
                        <nav aria-label="Project" class="actions">
                            <A
                                href=paths::project_snapshots(&connection_id)
                                attr:class="button button-secondary"
                            >
                                "Snapshots"
                            </A>
                            <A
                                href=paths::project_ssh_keys(&connection_id)
                                attr:class="button button-secondary"
                            >
                                "SSH keys"
                            </A>
                        </nav>
                    </div>
                    // The name in the URL is not echoed: anyone can write a link.
                    {deleted()
                        .map(|_| {
                            view! {
                                <p class="notice notice-success" role="status">
                                    {format!(
                                        "Deleting the server. {} removes it in a moment.",
                                        provider.name(),
                                    )}
                                </p>
                            }
                        })}
                    {attention
                        .then(|| {
                            view! {
                                <RestoreAccess
                                    provider=p.provider
                                    connection_id=connection_id.clone()
                                />
                            }
                        })}
                    {watched()
                        .filter(|_| !attention)
                        .map(|actions| {
                            view! {
                                <ActionProgress
                                    connection_id=connection_id.clone()
                                    provider
                                    actions
                                    job=CREATING
                                    now
                                    refresh
                                    follow
                                />
                            }
                        })}
                    {(!attention)
                        .then(|| {
                            view! {
                                <ServersCard
                                    connection_id=connection_id.clone()
                                    provider
                                    servers=p.servers.clone()
                                />
                                <CreateServerForm
                                    connection_id=connection_id.clone()
                                    provider
                                    choices
                                />
                                <WhatPotionsDidHere
                                    connection_id=connection_id.clone()
                                    page=recent
                                />
                            }
                        })}
                }
            }
        </Loaded>
    }
}

#[component]
fn ServersCard(connection_id: String, provider: Provider, servers: Vec<Server>) -> impl IntoView {
    let body = if servers.is_empty() {
        view! { <p class="muted">"No servers in this project yet."</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">{provider.size_word()}</th>
                            <th scope="col">{provider.place_word()}</th>
                            <th scope="col">"IPv4"</th>
                            <th scope="col">"IPv6"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {servers
                            .into_iter()
                            .map(|server| {
                                view! { <ServerRow connection_id=connection_id.clone() server /> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="servers-title">
            <h2 id="servers-title">"Servers"</h2>
            {body}
        </section>
    }
}

#[component]
fn ServerRow(connection_id: String, server: Server) -> impl IntoView {
    let s = server;
    let address = |value: Option<String>, what: String| match value {
        Some(value) => view! { <Copyable value what /> }.into_any(),
        None => "—".into_any(),
    };
    let name = s.name.clone();
    view! {
        <tr data-testid="server">
            <th scope="row">
                <A href=paths::server(&connection_id, s.id)>{name}</A>
                {s
                    .managed_by_potions
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-neutral">"Potions"</span>
                        }
                    })}
            </th>
            <td>{s.status}</td>
            <td>{s.size}</td>
            <td>{s.location}</td>
            <td>{address(s.ipv4, format!("IPv4 address of {}", s.name))}</td>
            <td>{address(s.ipv6, format!("IPv6 address of {}", s.name))}</td>
            <td>{format_optional_time(s.created_at)}</td>
            <td>
                <A
                    href=paths::delete_server(&connection_id, s.id)
                    attr:class="button button-danger-outline button-small"
                    attr:aria-label=format!("Delete {}", s.name)
                >
                    "Delete"
                </A>
            </td>
        </tr>
    }
}
