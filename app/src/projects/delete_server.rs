//! Deleting a server, confirmed by typing its name.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::server_fns::{load_project, DeleteServer};
use model::provisioning::Server;

use super::{connection_id_param, project_error};
use crate::components::{form_error, ErrorNotice, Field, Loaded, SnapshotFirst, SubmitButton};
use crate::error::{AppError, Refusal};
use crate::paths;
use crate::providers::Provider;

#[component]
pub fn DeleteServerPage() -> impl IntoView {
    let id = connection_id_param();
    let params = use_params_map();
    let server_id = move || {
        params
            .read()
            .get("server_id")
            .and_then(|s| s.parse().ok().map(model::ServerId::new))
    };
    // The name comes from the provider, never from the URL.
    let project = Resource::new(move || id.get(), load_project);
    let delete = ServerAction::<DeleteServer>::new();
    view! {
        <leptos_meta::Title text="Delete server" />
        <Loaded resource=project signed_in=true on_error=project_error let:project>
            {match project.servers.into_iter().find(|s| Some(s.id) == server_id()) {
                None => view! { <ErrorNotice error=AppError(Refusal::ServerNotFound) /> }.into_any(),
                Some(server) => {
                    view! {
                        <ConfirmDelete
                            connection_id=project.connection_id.clone()
                            provider=project.provider
                            server
                            delete
                        />
                    }
                        .into_any()
                }
            }}
        </Loaded>
    }
}

#[component]
fn ConfirmDelete(
    connection_id: String,
    provider: Provider,
    server: Server,
    delete: ServerAction<DeleteServer>,
) -> impl IntoView {
    let error = form_error(delete);
    let name = server.name.clone();
    view! {
        <section class="card narrow" aria-labelledby="delete-title">
            <h1 id="delete-title">{format!("Delete \u{201c}{name}\u{201d}?")}</h1>
            <p>
                {format!(
                    "The server and its disks are deleted at {}. This cannot be undone.",
                    provider.name(),
                )}
            </p>
            {server
                .delete_protected
                .then(|| {
                    view! {
                        <p class="notice notice-warning">
                            {format!(
                                "This server is delete-protected: turn off its protection in the {} first.",
                                provider.console_name(),
                            )}
                        </p>
                    }
                })}
            <ActionForm action=delete>
                <ErrorNotice error=error />
                <input type="hidden" name="id" value=connection_id.clone() />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <Field
                    id="confirm-name"
                    label=format!("Type the server's name, {name}, to confirm")
                >
                    <input
                        id="confirm-name"
                        name="confirm_name"
                        type="text"
                        required
                        autocomplete="off"
                    />
                </Field>
                <SnapshotFirst form="delete" step="the deletion" />
                <div class="actions">
                    <SubmitButton
                        pending=delete.pending()
                        label="Delete server"
                        busy_label="Deleting…"
                        variant="danger"
                    />
                    <A href=paths::project(&connection_id) attr:class="button button-secondary">
                        "Cancel"
                    </A>
                </div>
            </ActionForm>
        </section>
    }
}
