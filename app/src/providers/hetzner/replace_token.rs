//! A replacement token for a project whose token Hetzner stopped accepting.

use leptos::prelude::*;

use super::server_fns::ReplaceToken;
use crate::components::{form_error, ErrorNotice, Field, SubmitButton};

#[component]
pub fn ReplaceToken(connection_id: String) -> impl IntoView {
    let replace = ServerAction::<ReplaceToken>::new();
    let error = form_error(replace);
    view! {
        <section class="card notice-warning-card" aria-labelledby="attention-title">
            <h2 id="attention-title">"Needs attention"</h2>
            <p>
                "Hetzner rejected this project's token (it may have been deleted in the console). \
                    Check that the token still exists and has Read & Write permissions. Potions \
                    makes no calls for this project until it is fixed."
            </p>
            <ActionForm action=replace>
                <ErrorNotice error=error />
                <input type="hidden" name="id" value=connection_id />
                <Field id="replacement-token" label="Replacement API token">
                    <input
                        id="replacement-token"
                        name="token"
                        type="password"
                        required
                        autocomplete="off"
                        spellcheck="false"
                    />
                </Field>
                <SubmitButton
                    pending=replace.pending()
                    label="Replace token"
                    busy_label="Checking the token with Hetzner…"
                />
            </ActionForm>
        </section>
    }
}
