//! Rebuilding a server from an image: its disk is written anew, so the
//! form asks again. A root password the provider sets (Hetzner, for a
//! server without an SSH key, or for its rescue system) is shown once, on
//! this page, and kept nowhere.

use leptos::prelude::*;

use super::server_fns::RebuildServer;
use super::ServerOverview;
use crate::components::AskAgainFields;
use crate::components::{
    form_error, hint_id, Copyable, ErrorNotice, Field, SnapshotFirst, SubmitButton,
};

#[component]
pub fn RebuildCard(
    overview: ServerOverview,
    rebuild: ServerAction<RebuildServer>,
) -> impl IntoView {
    let details = overview.details;
    let server = details.server;
    let keys = match overview.provider {
        model::Provider::Hetzner => {
            "Its addresses, type and SSH keys stay; a server without an SSH key gets a new root \
             password, shown here once."
        }
        model::Provider::DigitalOcean => {
            "Its addresses, size and SSH keys stay; DigitalOcean emails a new root password for \
             a droplet without an SSH key."
        }
    };
    let body = if details.rebuild_protected == Some(true) {
        view! {
            <p class="muted">
                "Rebuild protection is on: turn it off under Protection to rebuild this server."
            </p>
        }
        .into_any()
    } else if overview.rebuild_choices.is_empty() {
        view! { <p class="muted">"No image to rebuild from is offered where this server is now."</p> }
            .into_any()
    } else {
        let current = details.image.unwrap_or_default();
        let options = overview
            .rebuild_choices
            .iter()
            .map(|image| {
                let selected = image.description == current;
                view! {
                    <option value=image.id.to_string() selected=selected>
                        {image.description.clone()}
                    </option>
                }
            })
            .collect_view();
        view! {
            <ActionForm action=rebuild>
                <ErrorNotice error=form_error(rebuild) />
                <input type="hidden" name="id" value=overview.connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <Field id="rebuild-image" label="Image" hint=keys>
                    <select
                        id="rebuild-image"
                        name="image"
                        aria-describedby=hint_id("rebuild-image")
                    >
                        {options}
                    </select>
                </Field>
                <p class="notice notice-warning">
                    "Rebuilding erases the server's disk: everything on it is lost."
                </p>
                <SnapshotFirst form="rebuild" step="the rebuild" />
                <AskAgainFields
                    form="rebuild"
                    server_name=server.name.clone()
                    ask=overview.ask_again
                />
                <SubmitButton
                    pending=rebuild.pending()
                    label="Rebuild"
                    busy_label="Rebuilding…"
                    variant="danger"
                />
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="rebuild-title">
            <h2 id="rebuild-title">"Rebuild"</h2>
            {body}
        </section>
    }
}

/// A root password an action answered, while this page is open; a plain
/// form post is only told there is one (`withheld`).
#[component]
pub fn RootPasswordNotice(
    shown: Signal<Option<String>>,
    withheld: Signal<bool>,
    title: &'static str,
    what: String,
) -> impl IntoView {
    move || {
        let shown = shown.get();
        let text = match (&shown, withheld.get()) {
            (Some(_), _) => "Shown once: Potions keeps it nowhere. Store it now if you need it.",
            (None, true) => {
                "The provider set one. Potions showed it once, to the page that asked with \
                 JavaScript running, and keeps it nowhere: if you don't have it, reset it in the \
                 provider's console."
            }
            (None, false) => return None,
        };
        Some(view! {
            <section class="card notice-warning-card" aria-label=title>
                <h2>{title}</h2>
                {shown.map(|value| view! { <Copyable value what=what.clone() /> })}
                <p>{text}</p>
            </section>
        })
    }
}
