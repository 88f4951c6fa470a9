//! A server's page (`/projects/:id/servers/:server_id`): what the server is,
//! as its provider describes it now, the power actions its state allows
//! (followed to the end, in the URL, like a creation), and what Potions did
//! to it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::provisioning::PowerAction;

use super::actions::{PowerCard, RenameCard, ReverseDnsCard};
use super::rebuild::{RebuildCard, RootPasswordNotice};
use super::rescue::RescueCard;
use super::resize::ResizeCard;
use super::server_fns::{load_server, RebuildServer, SetRescue};
use super::settings::{BackupsCard, ProtectionCard};
use super::snapshots::{ScheduleCard, SnapshotsCard};
use super::ServerOverview;
use crate::activity::recent::{server_changes, WhatPotionsDidHere};
use crate::components::{Copyable, Loaded};
use crate::format::format_optional_time;
use crate::paths;
use crate::projects::progress::{progress_now, ActionProgress, Following, Job};
use crate::projects::{connection_id_param, project_error};

const RENAMING: Job = Job {
    title: "Renaming",
    underway: "the server is being renamed",
    done: "Renamed.",
    failed_to: "rename the server",
};

const REBUILDING: Job = Job {
    title: "Rebuilding",
    underway: "the server's disk is being written from the image",
    done: "Rebuilt.",
    failed_to: "rebuild the server",
};

const RESCUING: Job = Job {
    title: "Booting the rescue system",
    underway: "the server is restarting into the rescue system",
    done: "The server is in the rescue system.",
    failed_to: "boot the rescue system",
};

const SNAPSHOTTING: Job = Job {
    title: "Taking a snapshot",
    underway: "the server's disk is being copied",
    done: "The snapshot is ready.",
    failed_to: "take the snapshot",
};

const RESIZING: Job = Job {
    title: "Resizing",
    underway: "the server's disk is being copied to its new type",
    done: "Resized.",
    failed_to: "resize the server",
};

#[component]
pub fn ServerPage() -> impl IntoView {
    let id = connection_id_param();
    let params = use_params_map();
    let server_id = Memo::new(move |_| params.read().get("server_id").unwrap_or_default());
    let query = use_query_map();
    let refresh = RwSignal::new(0u32);
    // A server id that is not a number names no server: 0 is one no provider uses.
    let overview = Resource::new(
        move || (id.get(), server_id.get(), refresh.get()),
        |(id, server, _)| load_server(id, server.parse().unwrap_or(0)),
    );
    let recent = server_changes(id, server_id, refresh);
    let follow = Following::default();
    // Here, not in its card: a root password it answers outlives the
    // card's re-render when the rebuild ends.
    let rebuild = ServerAction::<RebuildServer>::new();
    let rescue = ServerAction::<SetRescue>::new();
    let answered = |action: Option<Result<Option<String>, crate::error::AppError>>| {
        action.and_then(Result::ok).flatten()
    };
    let rebuild_password = Signal::derive(move || answered(rebuild.value().get()));
    let rescue_password = Signal::derive(move || answered(rescue.value().get()));
    let withheld = move |key: &'static str| Signal::derive(move || query.read().get(key).is_some());
    let now = progress_now(id, move || query.read().get("actions"));
    // The action being followed, from the URL a form redirected to.
    let followed = move || {
        let query = query.read();
        let actions = query.get("actions")?;
        let power = query.get("power");
        let job = match power.as_deref().and_then(PowerAction::from_param) {
            Some(action) => Job {
                title: action.label(),
                underway: action.underway(),
                done: action.done(),
                failed_to: action.failed_to(),
            },
            None if query.get("renamed").is_some() => RENAMING,
            None if query.get("resized").is_some() => RESIZING,
            None if query.get("rebuilt").is_some() => REBUILDING,
            None if query.get("rescue").is_some() => RESCUING,
            None if query.get("snapshot").is_some() => SNAPSHOTTING,
            None => return None,
        };
        Some((job, actions))
    };
    view! {
        <leptos_meta::Title text="Server" />
        <Loaded
            resource=overview
            signed_in=true
            loading="Loading the server…"
            on_error=project_error
            let:overview
        >
            <ServerDetailsCard overview=overview.clone() />
            {overview
                .safety_net
                .clone()
                .map(|(waiting, note)| view! { <SafetyNetNote waiting note refresh /> })}
            <RootPasswordNotice
                shown=rebuild_password
                withheld=withheld("root_password")
                title="New root password"
                what=format!("new root password of {}", overview.details.server.name)
            />
            <RootPasswordNotice
                shown=rescue_password
                withheld=withheld("rescue_password")
                title="Rescue system's root password"
                what=format!("rescue root password of {}", overview.details.server.name)
            />
            {
                let (connection_id, provider) = (overview.connection_id.clone(), overview.provider);
                move || {
                    followed()
                        .map(|(job, actions)| {
                            // Its own closure: a form on this page sends the browser to
                            // another action (`?resized=1&actions=…`) without reloading it.
                            view! {
                                <ActionProgress
                                    connection_id=connection_id.clone()
                                    provider
                                    actions
                                    job
                                    now
                                    refresh
                                    follow
                                />
                            }
                        })
                }
            }
            <PowerCard overview=overview.clone() />
            <RenameCard overview=overview.clone() />
            <ReverseDnsCard overview=overview.clone() />
            <SnapshotsCard overview=overview.clone() refresh />
            <ScheduleCard
                connection_id=overview.connection_id.clone()
                server_id=overview.details.server.id.get()
                schedule=overview.schedule.clone()
                refresh
            />
            <ResizeCard overview=overview.clone() />
            <RebuildCard overview=overview.clone() rebuild />
            <RescueCard overview=overview.clone() rescue />
            <ProtectionCard overview=overview.clone() refresh />
            <BackupsCard overview=overview.clone() refresh />
            <WhatPotionsDidHere connection_id=overview.connection_id.clone() page=recent />
        </Loaded>
    }
}

/// The server's facts as a definition list.
#[component]
fn ServerDetailsCard(overview: ServerOverview) -> impl IntoView {
    let ServerOverview {
        connection_id,
        provider,
        label,
        details,
        ..
    } = overview;
    let server = details.server;
    let yes_no = |on: bool| if on { "On" } else { "Off" };
    let price = details.monthly_price.map_or_else(
        || "Not sold here now".to_string(),
        |amount| details.currency.monthly(amount),
    );
    let address = |value: Option<String>, what: &str| match value {
        Some(value) => {
            let what = format!("{what} of {}", server.name);
            view! { <Copyable value what /> }.into_any()
        }
        None => "None".into_any(),
    };
    let protection = match details.rebuild_protected {
        Some(rebuild) => {
            format!(
                "Delete: {}, rebuild: {}",
                yes_no(server.delete_protected),
                yes_no(rebuild)
            )
        }
        None => format!("None at {}", provider.short_name()),
    };
    let reverse_dns = if details.reverse_dns.is_empty() {
        match provider {
            model::Provider::DigitalOcean => "Follows the droplet's name".to_string(),
            model::Provider::Hetzner => "None set".to_string(),
        }
    } else {
        details
            .reverse_dns
            .iter()
            .map(|(ip, name)| format!("{ip} → {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let labels = if details.labels.is_empty() {
        "None".to_string()
    } else {
        details.labels.join(", ")
    };
    view! {
        <div class="page-head">
            <h1>{server.name.clone()}</h1>
            <nav aria-label="Server" class="actions">
                <A href=paths::project(&connection_id) attr:class="button button-secondary">
                    {format!("Back to {label}")}
                </A>
                <A
                    href=paths::delete_server(&connection_id, server.id)
                    attr:class="button button-danger-outline"
                >
                    "Delete"
                </A>
            </nav>
        </div>
        <section class="card" aria-labelledby="server-title">
            <h2 id="server-title">"Server"</h2>
            <dl class="details" data-testid="server-details">
                <dt>"Status"</dt>
                <dd>{server.status.clone()}</dd>
                <dt>{provider.size_word()}</dt>
                <dd>{format!("{} · {price}", server.size)}</dd>
                <dt>{provider.place_word()}</dt>
                <dd>{server.location.clone()}</dd>
                <dt>"Image"</dt>
                <dd>{details.image.unwrap_or_else(|| "Unknown".into())}</dd>
                <dt>"IPv4"</dt>
                <dd>{address(server.ipv4.clone(), "IPv4 address")}</dd>
                <dt>"IPv6"</dt>
                <dd>{address(server.ipv6.clone(), "IPv6 address")}</dd>
                <dt>"Created"</dt>
                <dd>{format_optional_time(server.created_at)}</dd>
                <dt>{if provider == model::Provider::Hetzner { "Labels" } else { "Tags" }}</dt>
                <dd>{labels}</dd>
                <dt>"Protection"</dt>
                <dd>{protection}</dd>
                <dt>"Backups"</dt>
                <dd>{yes_no(details.backups)}</dd>
                <dt>"Reverse DNS"</dt>
                <dd>{reverse_dns}</dd>
                <dt>"Made by"</dt>
                <dd>
                    {if server.managed_by_potions {
                        "Potions".to_string()
                    } else {
                        format!("Not Potions ({})", provider.console_name())
                    }}
                </dd>
            </dl>
        </section>
    }
}

/// A risky step waiting for its snapshot, or one that did not run. While it
/// waits, the page reads the server again every few seconds (in the
/// browser), so the step shows once it starts.
#[component]
fn SafetyNetNote(waiting: bool, note: String, refresh: RwSignal<u32>) -> impl IntoView {
    Effect::new(move |_| {
        if waiting {
            let again = move || refresh.update(|n| *n = n.wrapping_add(1));
            set_timeout(again, std::time::Duration::from_secs(3));
        }
    });
    view! {
        <p class="notice notice-warning" role="status" data-testid="safety-net">
            {note}
        </p>
    }
}
