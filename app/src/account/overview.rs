//! Account: the profile, and Providers with every connection's actions.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::auth::SignOutButton;
use crate::components::{form_error, ErrorNotice, Loaded, RequireUser, SubmitButton};
use crate::connections::server_fns::{list_connections, RecheckConnection, RenameConnection};
use crate::connections::status::StatusBadge;
use crate::connections::{ConnectionStatus, ConnectionSummary};
use crate::format::format_time;
use crate::paths;
use crate::providers::{connect_path, NeedsAttentionAdvice, Provider};
use crate::session::use_auth;

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    // Actions and the list are made once, at the top of the page.
    let recheck = ServerAction::<RecheckConnection>::new();
    let rename = ServerAction::<RenameConnection>::new();
    let connections = Resource::new(
        move || (recheck.version().get(), rename.version().get()),
        |_| list_connections(),
    );
    view! {
        <leptos_meta::Title text="Account" />
        <RequireUser>
            <h1>"Account"</h1>
            <section class="card" aria-labelledby="profile-title">
                <h2 id="profile-title">"Profile"</h2>
                <dl class="details">
                    <dt>"Email"</dt>
                    <dd data-testid="account-email">{move || auth.email().unwrap_or_default()}</dd>
                </dl>
                <div class="actions">
                    <A href=paths::SECURITY attr:class="button button-secondary">
                        "Security"
                    </A>
                    <A href=paths::SESSIONS attr:class="button button-secondary">
                        "Sessions"
                    </A>
                    <A href=paths::ACTIVITY attr:class="button button-secondary">
                        "Activity"
                    </A>
                    <SignOutButton />
                </div>
            </section>
            <ProvidersSection connections recheck rename />
        </RequireUser>
    }
}

/// Account → Providers: every connection with its actions.
#[component]
fn ProvidersSection(
    connections: crate::connections::ConnectionsResource,
    recheck: ServerAction<RecheckConnection>,
    rename: ServerAction<RenameConnection>,
) -> impl IntoView {
    let recheck_error = form_error(recheck);
    let rename_error = form_error(rename);
    let query = use_query_map();
    let disconnected = move || query.read().get("disconnected").is_some();
    let revoke_by_hand = move || query.read().get("revoke").is_some();
    view! {
        <section class="card" aria-labelledby="account-providers-title">
            <h2 id="account-providers-title">"Providers"</h2>
            {move || {
                disconnected()
                    .then(|| {
                        view! {
                            <p class="notice notice-success" role="status">
                                "Disconnected. Servers already created keep running."
                            </p>
                        }
                    })
            }}
            {move || {
                revoke_by_hand()
                    .then(|| {
                        view! {
                            <p class="notice notice-error" role="status">
                                "DigitalOcean could not be told, so Potions may still be authorized \
                                    there. Revoke it in "
                                {crate::providers::digitalocean::REVOKE_HINT}
                                "."
                            </p>
                        }
                    })
            }}
            <ErrorNotice error=recheck_error />
            <ErrorNotice error=rename_error />
            <Loaded resource=connections loading="Loading connections…" let:list>
                {if list.is_empty() {
                    view! {
                        <p class="muted">
                            "No providers connected. "
                            <A href=connect_path(Provider::Hetzner)>"Connect Hetzner Cloud"</A>
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="connection-list">
                            {list
                                .into_iter()
                                .map(|connection| {
                                    view! { <ConnectionItem connection recheck rename /> }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn ConnectionItem(
    connection: ConnectionSummary,
    recheck: ServerAction<RecheckConnection>,
    rename: ServerAction<RenameConnection>,
) -> impl IntoView {
    let c = connection;
    let label_input_id = format!("label-{}", c.id);
    let rename_label = format!("New label for {}", c.label);
    let current_label = c.label.clone();
    let attention = c.status == ConnectionStatus::NeedsAttention;
    let provider = c.provider;
    let (recheck_id, rename_id) = (c.id.clone(), c.id.clone());
    view! {
        <li class="connection" data-testid="connection">
            <div class="connection-head">
                <h3 class="project-name">
                    <A href=paths::project(&c.id)>{c.label}</A>
                </h3>
                <StatusBadge status=c.status />
            </div>
            <dl class="details">
                <dt>"Provider"</dt>
                <dd>{provider.name()}</dd>
                {c
                    .team
                    .map(|team| {
                        view! {
                            <dt>"Team"</dt>
                            <dd>{team}</dd>
                        }
                    })}
                <dt>"Connected"</dt>
                <dd>{format_time(c.connected_at)}</dd>
                <dt>"Last verified"</dt>
                <dd>{format_time(c.last_verified_at)}</dd>
            </dl>
            {attention.then(|| view! { <NeedsAttentionAdvice provider /> })}
            <div class="actions">
                <ActionForm action=recheck>
                    <input type="hidden" name="id" value=recheck_id />
                    <SubmitButton
                        pending=recheck.pending()
                        label="Re-check"
                        busy_label="Checking…"
                        variant="secondary"
                    />
                </ActionForm>
                <ActionForm action=rename>
                    <input type="hidden" name="id" value=rename_id />
                    <div class="inline-field">
                        <label for=label_input_id.clone() class="visually-hidden">
                            {rename_label}
                        </label>
                        <input
                            id=label_input_id
                            name="label"
                            type="text"
                            maxlength="64"
                            value=current_label
                        />
                        <SubmitButton
                            pending=rename.pending()
                            label="Rename label"
                            busy_label="Saving…"
                            variant="secondary"
                        />
                    </div>
                </ActionForm>
                <A href=paths::disconnect(&c.id) attr:class="button button-danger-outline">
                    "Disconnect"
                </A>
            </div>
        </li>
    }
}
