//! A connected project: its servers, creating and deleting servers with live
//! progress, its SSH keys, and fixing a token Hetzner stopped accepting.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::auth::RequireUser;
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::connections::Status;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub server_type: String,
    pub location: String,
    pub ipv4: Option<String>,
    /// The host address (`…::1`) of the server's /64.
    pub ipv6: Option<String>,
    pub created: String,
    pub managed: bool,
    pub protected: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectView {
    pub id: String,
    pub label: String,
    pub status: Status,
    pub servers: Vec<ServerRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeOption {
    pub name: String,
    pub description: String,
    pub cores: i64,
    pub memory: f64,
    pub disk: f64,
    pub architecture: String,
    pub cpu_type: String,
    /// `(location, monthly gross price)` where the type is sold.
    pub prices: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageOption {
    pub id: i64,
    pub description: String,
    pub architecture: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub created: String,
    pub potions: bool,
}

/// Everything the create form offers, from the live API (cached a few minutes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateMenus {
    pub locations: Vec<(String, String)>,
    pub types: Vec<TypeOption>,
    pub images: Vec<ImageOption>,
    pub keys: Vec<KeyRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub percent: i64,
    pub done: bool,
    pub failed: Option<String>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use domain::hetzner::{Server, SshKey};

    /// `2026-11-28T05:13:00+00:00` as `2026-11-28 05:13 UTC`.
    fn short_time(rfc3339: &str) -> String {
        rfc3339
            .get(..16)
            .map(|t| format!("{} UTC", t.replace('T', " ")))
            .unwrap_or_else(|| rfc3339.to_string())
    }

    pub fn server_row(s: Server) -> ServerRow {
        ServerRow {
            ipv4: s.ipv4().map(str::to_string),
            ipv6: s.ipv6_host(),
            managed: domain::projects::is_managed_by_potions(&s.labels),
            protected: s.protection.delete,
            id: s.id,
            name: s.name,
            status: s.status,
            server_type: s.server_type.name,
            location: s.location.name,
            created: short_time(&s.created),
        }
    }

    pub fn key_row(k: SshKey, potions_key_id: i64) -> KeyRow {
        KeyRow {
            potions: k.id == potions_key_id,
            id: k.id,
            name: k.name,
            fingerprint: k.fingerprint,
            created: short_time(&k.created),
        }
    }

    pub async fn context() -> Result<(domain::accounts::User, crate::ssr::AppState), AppError> {
        Ok((crate::ssr::require_user().await?, crate::ssr::state()?))
    }
}

#[server(prefix = "/api", endpoint = "project_overview")]
pub async fn project_overview(id: String) -> Result<ProjectView, AppError> {
    let (user, state) = ssr::context().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let status = match connection.status {
        domain::connections::ConnectionStatus::Connected => Status::Connected,
        domain::connections::ConnectionStatus::NeedsAttention => Status::NeedsAttention,
    };
    let servers = if status == Status::Connected {
        match state.projects.servers(&user.id, &id).await {
            Ok(list) => list.into_iter().map(ssr::server_row).collect(),
            // The token was just rejected: show the project as needing attention.
            Err(domain::DomainError::TokenRejected) => {
                return Ok(ProjectView {
                    id,
                    label: connection.label,
                    status: Status::NeedsAttention,
                    servers: vec![],
                })
            }
            Err(err) => return Err(err.into()),
        }
    } else {
        Vec::new()
    };
    Ok(ProjectView {
        id,
        label: connection.label,
        status,
        servers,
    })
}

#[server(prefix = "/api", endpoint = "load_create_menus")]
pub async fn load_create_menus(id: String) -> Result<CreateMenus, AppError> {
    let (user, state) = ssr::context().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let catalogue = state.projects.catalogue(&user.id, &id).await?;
    let keys = state.projects.ssh_keys(&user.id, &id).await?;
    Ok(CreateMenus {
        locations: catalogue
            .locations
            .iter()
            .map(|l| {
                (
                    l.name.clone(),
                    format!("{} ({}, {})", l.name, l.city, l.country),
                )
            })
            .collect(),
        types: catalogue
            .server_types
            .iter()
            .filter(|t| t.deprecation.is_none())
            .map(|t| TypeOption {
                name: t.name.clone(),
                description: t.description.clone(),
                cores: t.cores,
                memory: t.memory,
                disk: t.disk,
                architecture: t.architecture.clone(),
                cpu_type: t.cpu_type.clone(),
                prices: t
                    .locations
                    .iter()
                    .filter(|l| t.available_in(&l.name))
                    .filter_map(|l| {
                        t.monthly_gross(&l.name)
                            .map(|p| (l.name.clone(), p.to_string()))
                    })
                    .collect(),
            })
            .collect(),
        images: catalogue
            .images
            .iter()
            .filter(|i| i.deprecated.is_none())
            .map(|i| ImageOption {
                id: i.id,
                description: i.description.clone(),
                architecture: i.architecture.clone(),
            })
            .collect(),
        keys: keys
            .into_iter()
            .map(|k| ssr::key_row(k, connection.ssh_key_id))
            .collect(),
    })
}

#[server(prefix = "/api", endpoint = "create_server")]
pub async fn create_server(
    id: String,
    name: String,
    location: String,
    server_type: String,
    image: i64,
    #[server(default)] ssh_keys: Vec<i64>,
) -> Result<(), AppError> {
    let (user, state) = ssr::context().await?;
    let new = domain::projects::NewServer {
        name,
        location,
        server_type,
        image,
        ssh_keys,
    };
    let created = state.projects.create_server(&user.id, &id, new).await?;
    let actions: Vec<String> = std::iter::once(&created.action)
        .chain(&created.next_actions)
        .map(|a| a.id.to_string())
        .collect();
    crate::ssr::redirect_to(&format!(
        "/projects/{id}?watch={}&actions={}",
        created.server.id,
        actions.join(",")
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "server_progress")]
pub async fn server_progress(id: String, actions: String) -> Result<Progress, AppError> {
    let (user, state) = ssr::context().await?;
    let ids: Vec<i64> = actions
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .take(10)
        .collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest);
    }
    let actions = state.projects.actions(&user.id, &id, &ids).await?;
    use domain::hetzner::ActionStatus;
    let failed = actions
        .iter()
        .find(|a| a.status == ActionStatus::Error)
        .map(|a| {
            a.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| format!("{} failed", a.command))
        });
    let total: i64 = actions.iter().map(|a| a.progress.clamp(0, 100)).sum();
    Ok(Progress {
        percent: total / i64::try_from(actions.len().max(1)).unwrap_or(1),
        done: !actions.is_empty() && actions.iter().all(|a| a.status == ActionStatus::Success),
        failed,
    })
}

#[server(prefix = "/api", endpoint = "delete_server")]
pub async fn delete_server(
    id: String,
    server_id: i64,
    confirm_name: String,
) -> Result<(), AppError> {
    let (user, state) = ssr::context().await?;
    state
        .projects
        .delete_server(&user.id, &id, server_id, &confirm_name)
        .await?;
    crate::ssr::redirect_to(&format!(
        "/projects/{id}?deleted={}",
        crate::url::encode_component(confirm_name.trim())
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "project_ssh_keys")]
pub async fn project_ssh_keys(id: String) -> Result<Vec<KeyRow>, AppError> {
    let (user, state) = ssr::context().await?;
    let connection = state.connections.get(&user.id, &id).await?;
    let keys = state.projects.ssh_keys(&user.id, &id).await?;
    Ok(keys
        .into_iter()
        .map(|k| ssr::key_row(k, connection.ssh_key_id))
        .collect())
}

/// Adds a key; answers with a note when the fingerprint was already there.
#[server(prefix = "/api", endpoint = "add_ssh_key")]
pub async fn add_ssh_key(
    id: String,
    name: String,
    public_key: String,
) -> Result<Option<String>, AppError> {
    let (user, state) = ssr::context().await?;
    Ok(
        match state
            .projects
            .add_ssh_key(&user.id, &id, &name, &public_key)
            .await?
        {
            domain::projects::AddedKey::Created(_) => None,
            domain::projects::AddedKey::AlreadyThere(key) => Some(format!(
                "This key is already in the project as \u{201c}{}\u{201d} ({}).",
                key.name, key.fingerprint
            )),
        },
    )
}

#[server(prefix = "/api", endpoint = "delete_ssh_key")]
pub async fn delete_ssh_key(id: String, key_id: i64) -> Result<(), AppError> {
    let (user, state) = ssr::context().await?;
    state.projects.delete_ssh_key(&user.id, &id, key_id).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "replace_token")]
pub async fn replace_token(id: String, token: String) -> Result<(), AppError> {
    let (user, state) = ssr::context().await?;
    state
        .connections
        .replace_token(&user.id, &id, &token)
        .await?;
    crate::ssr::redirect_to(&format!("/projects/{id}"));
    Ok(())
}

fn project_id() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").unwrap_or_default())
}

/// Shown instead of a project that is not (or no longer) connected.
#[component]
fn NotConnected() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"This project isn't connected"</h1>
            <p>"It may have been disconnected. Potions sends nothing to Hetzner for it until you connect it again; its servers keep running and can be managed in the Hetzner Cloud Console."</p>
            <A href="/connect/hetzner" attr:class="button button-primary">"Reconnect Hetzner Cloud"</A>
        </section>
    }
}

#[component]
fn ReplaceToken(id: String) -> impl IntoView {
    let replace = ServerAction::<ReplaceToken>::new();
    let error = form_error(replace);
    view! {
        <section class="card notice-warning-card" aria-labelledby="attention-title">
            <h2 id="attention-title">"Needs attention"</h2>
            <p>"Hetzner rejected this project's token (it may have been deleted in the console). Check that the token still exists and has Read & Write permissions. Potions makes no calls for this project until it is fixed."</p>
            <ActionForm action=replace>
                <ErrorNotice error=error />
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="replacement-token">"Replacement API token"</label>
                    <input id="replacement-token" name="token" type="password" required autocomplete="off" spellcheck="false" />
                </div>
                <SubmitButton pending=replace.pending() label="Replace token" busy_label="Checking the token with Hetzner…" />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let id = project_id();
    let query = use_query_map();
    let refresh = RwSignal::new(0u32);
    let project = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| project_overview(id),
    );
    let menus = Resource::new(move || id.get(), load_create_menus);
    let follow = Following {
        progress: RwSignal::new(None),
        started: RwSignal::new(None),
    };
    let watched = move || query.read().get("actions");
    let deleted = move || query.read().get("deleted");
    view! {
        <leptos_meta::Title text="Project" />
        <RequireUser>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading the project…"</p> }>
                {move || project.get().map(|result| match result {
                    Err(AppError::ConnectionNotFound) => view! { <NotConnected /> }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    Ok(p) => {
                        let attention = p.status == Status::NeedsAttention;
                        view! {
                            <div class="page-head">
                                <h1>{p.label.clone()}</h1>
                                <nav aria-label="Project" class="actions">
                                    <A href=format!("/projects/{}/ssh-keys", p.id) attr:class="button button-secondary">"SSH keys"</A>
                                </nav>
                            </div>
                            {deleted().map(|name| view! { <p class="notice notice-success" role="status">{format!("Deleting \u{201c}{name}\u{201d}.")}</p> })}
                            {attention.then(|| view! { <ReplaceToken id=p.id.clone() /> })}
                            {watched().filter(|_| !attention).map(|actions| view! { <CreationProgress id=p.id.clone() actions refresh follow /> })}
                            {(!attention).then(|| view! { <ServersCard project=p.clone() /> <CreateServerForm id=p.id.clone() options=menus /> })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </RequireUser>
    }
}

#[component]
fn ServersCard(project: ProjectView) -> impl IntoView {
    let id = project.id.clone();
    view! {
        <section class="card" aria-labelledby="servers-title">
            <h2 id="servers-title">"Servers"</h2>
            {if project.servers.is_empty() {
                view! { <p class="muted">"No servers in this project yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table">
                            <thead>
                                <tr><th scope="col">"Name"</th><th scope="col">"Status"</th><th scope="col">"Type"</th><th scope="col">"Location"</th><th scope="col">"IPv4"</th><th scope="col">"IPv6"</th><th scope="col">"Created"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                            </thead>
                            <tbody>
                                {project.servers.into_iter().map(|s| {
                                    let delete_href = format!("/projects/{}/servers/{}/delete", id, s.id);
                                    view! {
                                        <tr data-testid="server">
                                            <td>{s.name.clone()} {s.managed.then(|| view! { " " <span class="badge badge-neutral">"Potions"</span> })}</td>
                                            <td>{s.status}</td>
                                            <td>{s.server_type}</td>
                                            <td>{s.location}</td>
                                            <td class="mono">{s.ipv4.unwrap_or_else(|| "—".into())}</td>
                                            <td class="mono">{s.ipv6.unwrap_or_else(|| "—".into())}</td>
                                            <td>{s.created}</td>
                                            <td><A href=delete_href attr:class="button button-danger-outline button-small" attr:aria-label=format!("Delete {}", s.name)>"Delete"</A></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The state of following a creation, kept by the page across re-renders.
#[derive(Clone, Copy)]
struct Following {
    progress: RwSignal<Option<Result<Progress, AppError>>>,
    /// The actions being followed (from the URL), once polling started.
    started: RwSignal<Option<String>>,
}

/// Waits a second between polls (browser only; effects never run on the server).
async fn pause_one_second() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(1_000).await;
}

/// Follows the create and start actions until the server runs; lives in the
/// URL, so a reload keeps following.
#[component]
fn CreationProgress(
    id: String,
    actions: String,
    refresh: RwSignal<u32>,
    follow: Following,
) -> impl IntoView {
    let Following { progress, started } = follow;
    let (poll_id, poll_actions) = (id.clone(), actions.clone());
    Effect::new(move |_| {
        // The page re-renders this panel when the server list refreshes:
        // poll once per page, not once per render.
        if started.get_untracked().as_deref() == Some(poll_actions.as_str()) {
            return;
        }
        started.set(Some(poll_actions.clone()));
        progress.set(None);
        let (id, actions) = (poll_id.clone(), poll_actions.clone());
        leptos::task::spawn_local(async move {
            // Bounded: about ten minutes at one poll a second.
            for _ in 0..600 {
                let result = server_progress(id.clone(), actions.clone()).await;
                let finished =
                    matches!(&result, Ok(p) if p.done || p.failed.is_some()) || result.is_err();
                progress.set(Some(result));
                if finished {
                    refresh.update(|n| *n += 1);
                    break;
                }
                pause_one_second().await;
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="progress-title">
            <h2 id="progress-title">"Creating your server"</h2>
            {move || match progress.get() {
                None => view! { <p class="muted" role="status">"Waiting for Hetzner…"</p> }.into_any(),
                Some(Err(err)) => view! { <ErrorNotice error=err /> }.into_any(),
                Some(Ok(p)) if p.failed.is_some() => view! { <p class="notice notice-error" role="alert">{format!("Hetzner could not create the server: {}", p.failed.unwrap_or_default())}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <progress max="100" value=p.percent aria-labelledby="progress-title"></progress>
                    <p role="status">{if p.done { "The server is running.".to_string() } else { format!("{}% — the server is being created and started.", p.percent) }}</p>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CreateServerForm(id: String, options: Resource<Result<CreateMenus, AppError>>) -> impl IntoView {
    let create = ServerAction::<CreateServer>::new();
    let error = form_error(create);
    let name = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let server_type = RwSignal::new(String::new());
    let name_invalid = move || {
        let n = name.get();
        !n.is_empty() && !rules::is_valid_server_name(&n)
    };
    view! {
        <section class="card" aria-labelledby="create-title">
            <h2 id="create-title">"Create a server"</h2>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading locations, server types and images from Hetzner…"</p> }>
                {move || options.get().map(|result| match result {
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    Ok(opts) => {
                        let opts = StoredValue::new(opts);
                        if location.get_untracked().is_empty() {
                            location.set(opts.with_value(|o| o.locations.first().map(|l| l.0.clone()).unwrap_or_default()));
                        }
                        let types_here = move || {
                            let here = location.get();
                            opts.with_value(|o| o.types.iter().filter(|t| t.prices.iter().any(|(l, _)| *l == here)).cloned().collect::<Vec<_>>())
                        };
                        let chosen_type = move || {
                            let types = types_here();
                            let wanted = server_type.get();
                            types.iter().find(|t| t.name == wanted).or(types.first()).cloned()
                        };
                        let images = move || {
                            let arch = chosen_type().map(|t| t.architecture).unwrap_or_default();
                            opts.with_value(|o| o.images.iter().filter(|i| i.architecture == arch).cloned().collect::<Vec<_>>())
                        };
                        let form_id = id.clone();
                        view! {
                            <ActionForm action=create>
                                <ErrorNotice error=error />
                                <input type="hidden" name="id" value=form_id />
                                <div class="form-grid">
                                    <div class="field">
                                        <label for="server-name">"Name"</label>
                                        <input id="server-name" name="name" type="text" required maxlength="253"
                                            pattern="[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                                            aria-describedby="server-name-hint" aria-invalid=move || name_invalid().to_string()
                                            on:input=move |ev| name.set(event_target_value(&ev)) />
                                        <p id="server-name-hint" class="hint">
                                            {move || if name_invalid() { "Letters, digits and hyphens; no hyphen at the start or end of a part." } else { "A host name, e.g. web-1." }}
                                        </p>
                                    </div>
                                    <div class="field">
                                        <label for="server-location">"Location"</label>
                                        <select id="server-location" name="location" on:change=move |ev| location.set(event_target_value(&ev))>
                                            {opts.with_value(|o| o.locations.clone()).into_iter().map(|(value, text)| {
                                                let selected = value == location.get_untracked();
                                                view! { <option value=value selected=selected>{text}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="server-type">"Server type"</label>
                                        <select id="server-type" name="server_type" on:change=move |ev| server_type.set(event_target_value(&ev))>
                                            {move || {
                                                let here = location.get();
                                                let chosen = chosen_type().map(|t| t.name);
                                                types_here().into_iter().map(|t| {
                                                    let price = t.prices.iter().find(|(l, _)| *l == here).map(|(_, p)| p.parse::<f64>().map(|v| format!("€{v:.2}/month")).unwrap_or_default()).unwrap_or_default();
                                                    let text = format!("{} — {} vCPU {}, {} GB RAM, {} GB disk, {} — {}", t.description, t.cores, t.cpu_type, t.memory, t.disk, t.architecture, price);
                                                    let selected = Some(&t.name) == chosen.as_ref();
                                                    view! { <option value=t.name selected=selected>{text}</option> }
                                                }).collect_view()
                                            }}
                                        </select>
                                        <p class="hint">"Only types sold in this location; prices include VAT."</p>
                                    </div>
                                    <div class="field">
                                        <label for="server-image">"Image"</label>
                                        <select id="server-image" name="image">
                                            {move || images().into_iter().map(|i| view! { <option value=i.id.to_string()>{format!("{} ({})", i.description, i.architecture)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                </div>
                                <fieldset class="field">
                                    <legend>"SSH keys"</legend>
                                    {opts.with_value(|o| o.keys.clone()).into_iter().enumerate().map(|(n, k)| {
                                        let input_id = format!("key-{}", k.id);
                                        let field = format!("ssh_keys[{n}]");
                                        view! {
                                            <div class="checkbox">
                                                <input type="checkbox" id=input_id.clone() name=field value=k.id.to_string() checked=k.potions disabled=k.potions />
                                                <label for=input_id>{k.name.clone()} {k.potions.then_some(" (Potions key, always included)")}</label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <SubmitButton pending=create.pending() label="Create server" busy_label="Creating…" />
                            </ActionForm>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn DeleteServerPage() -> impl IntoView {
    let id = project_id();
    let params = use_params_map();
    let server_id = move || {
        params
            .read()
            .get("server_id")
            .and_then(|s| s.parse::<i64>().ok())
    };
    // The name comes from Hetzner, never from the URL.
    let project = Resource::new(move || id.get(), project_overview);
    let delete = ServerAction::<DeleteServer>::new();
    let error = form_error(delete);
    view! {
        <leptos_meta::Title text="Delete server" />
        <RequireUser>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || project.get().map(|result| match result.map(|p| p.servers.into_iter().find(|s| Some(s.id) == server_id())) {
                    Err(AppError::ConnectionNotFound) => view! { <NotConnected /> }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    Ok(None) => view! { <ErrorNotice error=AppError::ServerNotFound /> }.into_any(),
                    Ok(Some(server)) => {
                        let name = server.name.clone();
                        view! {
                            <section class="card narrow" aria-labelledby="delete-title">
                                <h1 id="delete-title">{format!("Delete \u{201c}{name}\u{201d}?")}</h1>
                                <p>"The server and its disks are deleted at Hetzner. This cannot be undone."</p>
                                {server.protected.then(|| view! { <p class="notice notice-warning">"This server is delete-protected: turn off its protection in the Hetzner Cloud Console first."</p> })}
                                <ActionForm action=delete>
                                    <ErrorNotice error=error />
                                    <input type="hidden" name="id" value=id.get_untracked() />
                                    <input type="hidden" name="server_id" value=server.id.to_string() />
                                    <div class="field">
                                        <label for="confirm-name">{format!("Type the server's name, {}, to confirm", server.name)}</label>
                                        <input id="confirm-name" name="confirm_name" type="text" required autocomplete="off" />
                                    </div>
                                    <div class="actions">
                                        <SubmitButton pending=delete.pending() label="Delete server" busy_label="Deleting…" variant="danger" />
                                        <A href=format!("/projects/{}", id.get_untracked()) attr:class="button button-secondary">"Cancel"</A>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                })}
            </Suspense>
        </RequireUser>
    }
}

#[component]
pub fn SshKeysPage() -> impl IntoView {
    let id = project_id();
    let add = ServerAction::<AddSshKey>::new();
    let delete = ServerAction::<DeleteSshKey>::new();
    let keys = Resource::new(
        move || (id.get(), add.version().get(), delete.version().get()),
        |(id, _, _)| project_ssh_keys(id),
    );
    let add_error = form_error(add);
    let delete_error = form_error(delete);
    let note = move || add.value().get().and_then(|r| r.ok()).flatten();
    view! {
        <leptos_meta::Title text="SSH keys" />
        <RequireUser>
            <div class="page-head">
                <h1>"SSH keys"</h1>
                <A href=move || format!("/projects/{}", id.get()) attr:class="button button-secondary">"Back to the project"</A>
            </div>
            <section class="card" aria-labelledby="keys-title">
                <h2 id="keys-title">"Keys in this project"</h2>
                <ErrorNotice error=delete_error />
                <Transition fallback=|| view! { <p class="muted" role="status">"Loading keys…"</p> }>
                    {move || keys.get().map(|result| match result {
                        Err(AppError::ConnectionNotFound) => view! { <NotConnected /> }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="connection-list">
                                {list.into_iter().map(|k| {
                                    let confirm_id = format!("confirm-{}", k.id);
                                    view! {
                                        <li class="connection" data-testid="ssh-key">
                                            <div class="connection-head">
                                                <h3 class="project-name">{k.name.clone()} {k.potions.then(|| view! { " " <span class="badge badge-neutral">"Potions key"</span> })}</h3>
                                            </div>
                                            <p class="mono">{k.fingerprint.clone()}</p>
                                            <p class="muted">"Added " {k.created.clone()}</p>
                                            <ActionForm action=delete>
                                                <input type="hidden" name="id" value=id.get_untracked() />
                                                <input type="hidden" name="key_id" value=k.id.to_string() />
                                                {k.potions.then(|| view! {
                                                    <div class="checkbox">
                                                        <input type="checkbox" id=confirm_id.clone() required />
                                                        <label for=confirm_id.clone()>"Delete the Potions key anyway: provisioning will add it again when it creates the next server."</label>
                                                    </div>
                                                })}
                                                <button type="submit" class="button button-danger-outline button-small" aria-label=format!("Delete key {}", k.name)>"Delete"</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    })}
                </Transition>
            </section>
            <section class="card" aria-labelledby="add-key-title">
                <h2 id="add-key-title">"Add a key"</h2>
                {move || note().map(|n| view! { <p class="notice notice-success" role="status">{n}</p> })}
                <ActionForm action=add>
                    <ErrorNotice error=add_error />
                    <input type="hidden" name="id" value=move || id.get() />
                    <div class="field">
                        <label for="key-name">"Name"</label>
                        <input id="key-name" name="name" type="text" required maxlength="64" />
                    </div>
                    <div class="field">
                        <label for="public-key">"OpenSSH public key"</label>
                        <textarea id="public-key" name="public_key" required rows="3" maxlength="8192" spellcheck="false" aria-describedby="public-key-hint"></textarea>
                        <p id="public-key-hint" class="hint">"The whole line, e.g. ssh-ed25519 AAAA… you@laptop."</p>
                    </div>
                    <SubmitButton pending=add.pending() label="Add key" busy_label="Adding…" />
                </ActionForm>
            </section>
        </RequireUser>
    }
}
