//! Connecting cloud providers: the Providers card on the Dashboard, the
//! Connect Hetzner Cloud page, and the Providers section of Account.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::auth::RequireUser;
use crate::components::{form_error, format_time, ErrorNotice, SubmitButton};
use crate::error::AppError;

pub const HETZNER_CONSOLE: &str = "https://console.hetzner.cloud/";
pub const HETZNER_TOKEN_GUIDE: &str =
    "https://docs.hetzner.com/cloud/api/getting-started/generating-api-token/";
pub const HETZNER_SIGN_UP: &str = "https://accounts.hetzner.com/signUp";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Connected,
    NeedsAttention,
}

/// A connection as the browser sees it: never the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub id: String,
    pub provider: String,
    pub label: String,
    pub status: Status,
    pub connected_at: i64,
    pub last_verified_at: i64,
    /// `None` when the count could not be fetched in time.
    pub server_count: Option<i64>,
}

#[cfg(feature = "ssr")]
fn view_of(c: domain::connections::Connection, server_count: Option<i64>) -> ConnectionView {
    use domain::connections::ConnectionStatus;
    ConnectionView {
        id: c.id,
        provider: "Hetzner Cloud".into(),
        label: c.label,
        status: match c.status {
            ConnectionStatus::Connected => Status::Connected,
            ConnectionStatus::NeedsAttention => Status::NeedsAttention,
        },
        connected_at: c.connected_at,
        last_verified_at: c.last_verified_at,
        server_count,
    }
}

/// The user's connections; with counts, each project's server count too.
#[server(prefix = "/api", endpoint = "list_connections")]
pub async fn list_connections(with_counts: bool) -> Result<Vec<ConnectionView>, AppError> {
    let user = crate::ssr::require_user().await?;
    let connections = crate::ssr::state()?.connections;
    let list = connections.list(&user.id).await?;
    let mut counts = if with_counts {
        connections.server_counts(&user.id, &list).await
    } else {
        Default::default()
    };
    // Counts may have marked a connection as needing attention: read statuses again.
    let list = if with_counts {
        connections.list(&user.id).await?
    } else {
        list
    };
    Ok(list
        .into_iter()
        .map(|c| {
            let count = counts.remove(&c.id).flatten();
            view_of(c, count)
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "connect_hetzner")]
pub async fn connect_hetzner(label: String, token: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let connection = crate::ssr::state()?
        .connections
        .connect(&user.id, &label, &token)
        .await?;
    crate::ssr::redirect_to(&format!("/?connected={}", connection.id));
    Ok(())
}

#[server(prefix = "/api", endpoint = "recheck_connection")]
pub async fn recheck_connection(id: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    crate::ssr::state()?
        .connections
        .recheck(&user.id, &id)
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "rename_connection")]
pub async fn rename_connection(id: String, label: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    crate::ssr::state()?
        .connections
        .rename(&user.id, &id, &label)
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "disconnect_connection")]
pub async fn disconnect_connection(id: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    crate::ssr::state()?
        .connections
        .disconnect(&user.id, &id)
        .await?;
    crate::ssr::redirect_to("/account?disconnected=1");
    Ok(())
}

#[component]
fn StatusBadge(status: Status) -> impl IntoView {
    match status {
        Status::Connected => {
            view! { <span class="badge badge-success">"Connected"</span> }.into_any()
        }
        Status::NeedsAttention => {
            view! { <span class="badge badge-warning">"Needs attention"</span> }.into_any()
        }
    }
}

#[component]
fn NeedsAttentionAdvice() -> impl IntoView {
    view! {
        <p class="hint">
            "Hetzner rejected this project's token. Check that the token still exists in the Hetzner Cloud Console and has Read & Write permissions, then Re-check it on "
            <A href="/account">"Account"</A>"."
        </p>
    }
}

/// The connections a page shows, loaded once per page (not per render).
pub type ConnectionsResource = Resource<Result<Vec<ConnectionView>, AppError>>;

/// Dashboard: providers to connect, and the connected Hetzner projects.
#[component]
pub fn ProvidersOverview(projects: ConnectionsResource) -> impl IntoView {
    let query = use_query_map();
    let connected_id = move || query.read().get("connected");
    view! {
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading your projects…"</p> }>
            {move || projects.get().map(|result| match result {
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                Ok(list) => {
                    let notice = connected_id()
                        .and_then(|id| list.iter().find(|c| c.id == id).map(|c| c.label.clone()))
                        .map(|label| view! {
                            <p class="notice notice-success" role="status">{format!("Connected \u{201c}{label}\u{201d}. Potions can now create servers in this project.")}</p>
                        });
                    view! {
                        {notice}
                        <ProvidersCard />
                        <ProjectsCard projects=list />
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProvidersCard() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="providers-title">
            <h2 id="providers-title">"Providers"</h2>
            <ul class="provider-list">
                <li class="provider">
                    <div>
                        <h3 class="provider-name">"Hetzner Cloud"</h3>
                        <p class="muted">"Connect a project with a project-scoped API token."</p>
                    </div>
                    <A href="/connect/hetzner" attr:class="button button-primary" attr:aria-label="Connect Hetzner Cloud">"Connect"</A>
                </li>
                <li class="provider">
                    <div>
                        <h3 class="provider-name">"DigitalOcean"</h3>
                        <p class="muted" id="do-oauth">"Connects with OAuth. Not available yet."</p>
                    </div>
                    <button type="button" class="button button-secondary" disabled aria-describedby="do-oauth">"Connect"</button>
                </li>
            </ul>
        </section>
    }
}

#[component]
fn ProjectsCard(projects: Vec<ConnectionView>) -> impl IntoView {
    let body = if projects.is_empty() {
        view! {
            <div class="empty-state">
                <p>"Connect your first Hetzner Cloud project: click Connect next to Hetzner Cloud, paste a Read & Write API token, and Potions can create servers there."</p>
                <p class="muted">
                    "Don't have a Hetzner account yet? "
                    <a href=HETZNER_SIGN_UP rel="noopener noreferrer" target="_blank">"Create one here"</a>
                    ". You'll need an active payment method on your account before Potions can create servers."
                </p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <ul class="project-list">
                {projects.into_iter().map(|p| {
                    let servers = match p.server_count {
                        Some(1) => "1 server".to_string(),
                        Some(n) => format!("{n} servers"),
                        None => "Server count unavailable".to_string(),
                    };
                    let attention = p.status == Status::NeedsAttention;
                    view! {
                        <li class="project" data-testid="project">
                            <div>
                                <h3 class="project-name"><A href=format!("/projects/{}", p.id)>{p.label}</A></h3>
                                <p class="muted">"Hetzner Cloud · " {servers}</p>
                                {attention.then(|| view! { <NeedsAttentionAdvice /> })}
                            </div>
                            <StatusBadge status=p.status />
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="projects-title">
            <h2 id="projects-title">"Hetzner projects"</h2>
            {body}
        </section>
    }
}

#[component]
pub fn ConnectHetznerPage() -> impl IntoView {
    let connect = ServerAction::<ConnectHetzner>::new();
    let error = form_error(connect);
    view! {
        <leptos_meta::Title text="Connect Hetzner Cloud" />
        <RequireUser>
            <h1>"Connect Hetzner Cloud"</h1>
            <div class="two-column">
                <section class="card" aria-labelledby="token-steps-title">
                    <h2 id="token-steps-title">"Generate an API token"</h2>
                    <ol class="steps">
                        <li>"Open the " <a href=HETZNER_CONSOLE rel="noopener noreferrer" target="_blank">"Hetzner Cloud Console"</a> " and select the project you want Potions to manage."</li>
                        <li>"Go to " <strong>"Security → API Tokens"</strong> "."</li>
                        <li>"Click " <strong>"Generate API Token"</strong> ", give it a name (e.g. " <code>"Potions"</code> "), and choose " <strong>"Read & Write"</strong> " permissions."</li>
                        <li>"Copy the token. Hetzner only shows it once, so copy it before you leave the page."</li>
                    </ol>
                    <p class="muted">
                        "For more detail, see Hetzner's own guide on "
                        <a href=HETZNER_TOKEN_GUIDE rel="noopener noreferrer" target="_blank">"generating an API token"</a> "."
                    </p>
                    <p class="muted">
                        "A token is scoped to a single project: Potions can only create and manage resources in that project, with no access to your other projects, your billing or your account settings."
                    </p>
                </section>
                <section class="card" aria-labelledby="connect-title">
                    <h2 id="connect-title">"Connect a project"</h2>
                    <ActionForm action=connect>
                        <ErrorNotice error=error />
                        <div class="field">
                            <label for="label">"Label " <span class="muted">"(optional)"</span></label>
                            <input id="label" name="label" type="text" maxlength="64" autocomplete="off" aria-describedby="label-hint" />
                            <p id="label-hint" class="hint">"To tell this project apart, e.g. Production."</p>
                        </div>
                        <div class="field">
                            <label for="token">"API Token"</label>
                            <input id="token" name="token" type="password" required autocomplete="off" spellcheck="false" aria-describedby="token-hint" />
                            <p id="token-hint" class="hint">"64 letters and digits, from Security → API Tokens."</p>
                        </div>
                        <SubmitButton pending=connect.pending() label="Connect Hetzner" busy_label="Checking the token with Hetzner…" />
                        <p class="hint">"Your token is encrypted at rest with AES-256-GCM."</p>
                    </ActionForm>
                </section>
            </div>
        </RequireUser>
    }
}

/// The Account page's connections and the actions that change them.
#[derive(Clone, Copy)]
pub struct AccountConnections {
    pub list: ConnectionsResource,
    pub recheck: ServerAction<RecheckConnection>,
    pub rename: ServerAction<RenameConnection>,
}

impl AccountConnections {
    /// Makes the actions and the list; call once, at the top of the page.
    pub fn load() -> Self {
        let recheck = ServerAction::<RecheckConnection>::new();
        let rename = ServerAction::<RenameConnection>::new();
        let list = Resource::new(
            move || (recheck.version().get(), rename.version().get()),
            |_| list_connections(false),
        );
        Self {
            list,
            recheck,
            rename,
        }
    }
}

/// Account → Providers: every connection with its actions.
#[component]
pub fn AccountProviders(state: AccountConnections) -> impl IntoView {
    let AccountConnections {
        list: connections,
        recheck,
        rename,
    } = state;
    let recheck_error = form_error(recheck);
    let rename_error = form_error(rename);
    let query = use_query_map();
    let disconnected = move || query.read().get("disconnected").is_some();
    view! {
        <section class="card" aria-labelledby="account-providers-title">
            <h2 id="account-providers-title">"Providers"</h2>
            {move || disconnected().then(|| view! {
                <p class="notice notice-success" role="status">"Disconnected. Servers already created keep running on Hetzner."</p>
            })}
            <ErrorNotice error=recheck_error />
            <ErrorNotice error=rename_error />
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading connections…"</p> }>
                {move || connections.get().map(|result| match result {
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">"No providers connected. " <A href="/connect/hetzner">"Connect Hetzner Cloud"</A></p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="connection-list">
                            {list.into_iter().map(|c| view! { <ConnectionRow connection=c recheck rename /> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ConnectionRow(
    connection: ConnectionView,
    recheck: ServerAction<RecheckConnection>,
    rename: ServerAction<RenameConnection>,
) -> impl IntoView {
    let c = connection;
    let label_id = format!("label-{}", c.id);
    let rename_label = format!("New label for {}", c.label);
    let disconnect_href = format!("/account/connections/{}/disconnect", c.id);
    let (recheck_id, rename_id) = (c.id.clone(), c.id.clone());
    let current_label = c.label.clone();
    let attention = c.status == Status::NeedsAttention;
    view! {
        <li class="connection" data-testid="connection">
            <div class="connection-head">
                <h3 class="project-name"><A href=format!("/projects/{}", c.id)>{c.label.clone()}</A></h3>
                <StatusBadge status=c.status />
            </div>
            <dl class="details">
                <dt>"Provider"</dt><dd>{c.provider.clone()}</dd>
                <dt>"Connected"</dt><dd>{format_time(c.connected_at)}</dd>
                <dt>"Last verified"</dt><dd>{format_time(c.last_verified_at)}</dd>
            </dl>
            {attention.then(|| view! { <NeedsAttentionAdvice /> })}
            <div class="actions">
                <ActionForm action=recheck>
                    <input type="hidden" name="id" value=recheck_id />
                    <SubmitButton pending=recheck.pending() label="Re-check" busy_label="Checking…" variant="secondary" />
                </ActionForm>
                <ActionForm action=rename>
                    <input type="hidden" name="id" value=rename_id />
                    <div class="inline-field">
                        <label for=label_id.clone() class="visually-hidden">{rename_label}</label>
                        <input id=label_id name="label" type="text" maxlength="64" value=current_label />
                        <SubmitButton pending=rename.pending() label="Rename label" busy_label="Saving…" variant="secondary" />
                    </div>
                </ActionForm>
                <A href=disconnect_href attr:class="button button-danger-outline">"Disconnect"</A>
            </div>
        </li>
    }
}

#[component]
pub fn DisconnectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let disconnect = ServerAction::<DisconnectConnection>::new();
    let error = form_error(disconnect);
    let connections = Resource::new(|| (), |_| list_connections(false));
    view! {
        <leptos_meta::Title text="Disconnect Hetzner Cloud" />
        <RequireUser>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || connections.get().map(|result| {
                    let found = result.map(|list| list.into_iter().find(|c| c.id == id()));
                    match found {
                        Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                        Ok(None) => view! { <ErrorNotice error=AppError::ConnectionNotFound /> <A href="/account">"Back to Account"</A> }.into_any(),
                        Ok(Some(c)) => view! {
                            <section class="card narrow" aria-labelledby="disconnect-title">
                                <h1 id="disconnect-title">{format!("Disconnect \u{201c}{}\u{201d}?", c.label)}</h1>
                                <ul class="consequences">
                                    <li>"Potions removes its encrypted token for this Hetzner Cloud project."</li>
                                    <li>"Servers that were already created keep running on Hetzner: Potions doesn't delete or modify them, and apps already deployed keep running."</li>
                                    <li>"You won't be able to provision additional servers in this project until you reconnect it."</li>
                                    <li>"You can always manage these servers directly in the Hetzner Cloud Console."</li>
                                </ul>
                                <ActionForm action=disconnect>
                                    <ErrorNotice error=error />
                                    <input type="hidden" name="id" value=c.id.clone() />
                                    <div class="actions">
                                        <SubmitButton pending=disconnect.pending() label="Disconnect" busy_label="Disconnecting…" variant="danger" />
                                        <A href="/account" attr:class="button button-secondary">"Cancel"</A>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </RequireUser>
    }
}
