//! A project's SSH keys: list, add (a key already there is shown instead of
//! an error) and delete; deleting the Potions key asks first.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_fns::{list_ssh_keys, AddSshKey, DeleteSshKey};
use model::provisioning::SshKey;

use super::{connection_id_param, project_error};
use crate::components::{form_error, Copyable, ErrorNotice, Loaded, SubmitButton};
use crate::components::{hint_id, Field, RequireUser};
use crate::format::format_time;
use crate::paths;

#[component]
pub fn SshKeysPage() -> impl IntoView {
    let id = connection_id_param();
    let add = ServerAction::<AddSshKey>::new();
    let delete = ServerAction::<DeleteSshKey>::new();
    let keys = Resource::new(
        move || (id.get(), add.version().get(), delete.version().get()),
        |(id, _, _)| list_ssh_keys(id),
    );
    let delete_error = form_error(delete);
    view! {
        <leptos_meta::Title text="SSH keys" />
        <RequireUser>
            <div class="page-head">
                <h1>"SSH keys"</h1>
                <A href=move || paths::project(&id.get()) attr:class="button button-secondary">
                    "Back to the project"
                </A>
            </div>
            <section class="card" aria-labelledby="keys-title">
                <h2 id="keys-title">"Keys in this project"</h2>
                <ErrorNotice error=delete_error />
                <Loaded resource=keys loading="Loading keys…" on_error=project_error let:list>
                    <ul class="connection-list">
                        {list
                            .into_iter()
                            .map(|key| {
                                view! { <KeyItem connection_id=id.get_untracked() key delete /> }
                            })
                            .collect_view()}
                    </ul>
                </Loaded>
            </section>
            <AddKeyCard connection_id=id add />
        </RequireUser>
    }
}

#[component]
fn KeyItem(
    connection_id: String,
    key: SshKey,
    delete: ServerAction<DeleteSshKey>,
) -> impl IntoView {
    let confirm_id = format!("confirm-{}", key.id);
    view! {
        <li class="connection" data-testid="ssh-key">
            <div class="connection-head">
                <h3 class="project-name">
                    {key.name.clone()}
                    {key
                        .is_potions_key
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-neutral">"Potions key"</span>
                            }
                        })}
                </h3>
            </div>
            <p>
                <Copyable
                    value=key.fingerprint.clone()
                    what=format!("fingerprint of {}", key.name)
                />
            </p>
            // DigitalOcean does not say when a key was added.
            {key.created_at.map(|at| view! { <p class="muted">"Added " {format_time(at)}</p> })}
            <ActionForm action=delete>
                <input type="hidden" name="id" value=connection_id />
                <input type="hidden" name="key_id" value=key.id.to_string() />
                {key
                    .is_potions_key
                    .then(|| {
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=confirm_id.clone() required />
                                <label for=confirm_id
                                    .clone()>
                                    "Delete the Potions key anyway: provisioning will add it \
                                        again when it creates the next server."
                                </label>
                            </div>
                        }
                    })}
                <button
                    type="submit"
                    class="button button-danger-outline button-small"
                    aria-label=format!("Delete key {}", key.name)
                >
                    "Delete"
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn AddKeyCard(connection_id: Memo<String>, add: ServerAction<AddSshKey>) -> impl IntoView {
    let error = form_error(add);
    let already_there = move || add.value().get().and_then(|r| r.ok()).flatten();
    view! {
        <section class="card" aria-labelledby="add-key-title">
            <h2 id="add-key-title">"Add a key"</h2>
            {move || {
                already_there()
                    .map(|note| {
                        view! {
                            <p class="notice notice-success" role="status">
                                {note}
                            </p>
                        }
                    })
            }}
            <ActionForm action=add>
                <ErrorNotice error=error />
                <input type="hidden" name="id" value=move || connection_id.get() />
                <Field id="key-name" label="Name">
                    <input id="key-name" name="name" type="text" required maxlength="64" />
                </Field>
                <Field
                    id="public-key"
                    label="OpenSSH public key"
                    hint="The whole line, e.g. ssh-ed25519 AAAA… you@laptop."
                >
                    <textarea
                        id="public-key"
                        name="public_key"
                        required
                        rows="3"
                        maxlength="8192"
                        spellcheck="false"
                        aria-describedby=hint_id("public-key")
                    />
                </Field>
                <SubmitButton pending=add.pending() label="Add key" busy_label="Adding…" />
            </ActionForm>
        </section>
    }
}
