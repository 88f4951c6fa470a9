//! The Dashboard: providers to connect, and every connected project.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::server_fns::load_dashboard;
use super::status::StatusBadge;
use super::{ConnectionStatus, ConnectionSummary};
use crate::components::Loaded;
use crate::format::{age_phrase, count_of};
use crate::paths;
use crate::providers::{hetzner, NeedsAttentionAdvice, Provider};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| load_dashboard());
    let query = use_query_map();
    let just_connected = move || query.read().get("connected");
    let replaced = move || query.read().get("replaced").is_some();
    view! {
        <leptos_meta::Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <Loaded resource=dashboard signed_in=true loading="Loading your projects…" let:dashboard>
            {just_connected()
                .and_then(|id| {
                    dashboard.projects.iter().find(|c| c.id == id).map(|c| c.label.clone())
                })
                .map(|label| {
                    view! {
                        <p class="notice notice-success" role="status">
                            {if replaced() {
                                format!(
                                    "Reconnected \u{201c}{label}\u{201d}: Potions replaced its \
                                        tokens and uses the new ones from now on.",
                                )
                            } else {
                                format!(
                                    "Connected \u{201c}{label}\u{201d}. Potions can now create \
                                        servers in this project.",
                                )
                            }}
                        </p>
                    }
                })}
            <ProvidersCard digitalocean=dashboard.digitalocean_set_up />
            <ProjectsCard projects=dashboard.projects />
        </Loaded>
    }
}

/// Every provider with its Connect button; DigitalOcean's only where the
/// operator set it up.
#[component]
fn ProvidersCard(digitalocean: bool) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="providers-title">
            <h2 id="providers-title">"Providers"</h2>
            <ul class="provider-list">
                {Provider::CONNECTABLE
                    .into_iter()
                    .map(|provider| {
                        let ready = provider != Provider::DigitalOcean || digitalocean;
                        let hint_id = format!("provider-{}-hint", provider.id_part());
                        let hint = if ready {
                            provider.how_to_connect()
                        } else {
                            "Not set up on this Potions instance: its operator has not registered a \
                             DigitalOcean app."
                        };
                        let connect = if ready {
                            view! {
                                <a
                                    href=crate::providers::connect_path(provider)
                                    class="button button-primary"
                                    aria-label=format!("Connect {}", provider.name())
                                >
                                    "Connect"
                                </a>
                            }
                                .into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    disabled
                                    aria-describedby=hint_id.clone()
                                >
                                    "Connect"
                                </button>
                            }
                                .into_any()
                        };
                        view! {
                            <li class="provider">
                                <div>
                                    <h3 class="provider-name">{provider.name()}</h3>
                                    <p class="muted" id=hint_id>
                                        {hint}
                                    </p>
                                </div>
                                {connect}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ProjectsCard(projects: Vec<ConnectionSummary>) -> impl IntoView {
    let body = if projects.is_empty() {
        view! { <hetzner::FirstProjectHelp /> }.into_any()
    } else {
        view! {
            <ul class="project-list">
                {projects
                    .into_iter()
                    .map(|project| view! { <ProjectItem project /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="projects-title">
            <h2 id="projects-title">"Projects"</h2>
            {body}
        </section>
    }
}

/// Counts younger than this need no age beside them.
const FRESH_SECS: i64 = 5;

/// Links here are plain `<a>`: the router still moves without a reload, and
/// an `<A>`'s active-state tracking costs every server render.
#[component]
fn ProjectItem(project: ConnectionSummary) -> impl IntoView {
    // A count Potions just fetched (or its own change just invalidated) is
    // shown plainly; an older one says how old it is.
    let servers = project
        .server_count
        .map(|count| {
            let servers = count_of(count.servers, "server", "servers");
            if count.age_secs < FRESH_SECS {
                servers
            } else {
                format!("{servers} (counted {})", age_phrase(count.age_secs))
            }
        })
        .unwrap_or_else(|| "Server count unavailable".into());
    let attention = project.status == ConnectionStatus::NeedsAttention;
    let provider = project.provider;
    view! {
        <li class="project" data-testid="project">
            <div>
                <h3 class="project-name">
                    <a href=paths::project(&project.id)>{project.label}</a>
                </h3>
                <p class="muted">{provider.name()} " · " {servers}</p>
                {attention.then(|| view! { <NeedsAttentionAdvice provider /> })}
            </div>
            <StatusBadge status=project.status />
        </li>
    }
}
