//! The Connect DigitalOcean page: what happens, which access Potions asks
//! for, an optional label, and Continue to DigitalOcean. Also the Reconnect
//! button of a team whose access DigitalOcean no longer accepts.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{outcome_error, PERMISSIONS};
use crate::components::{form_error, hint_id, ErrorNotice, Field, Loaded};
use crate::error::{AppError, Refusal};
use leptos::server_fn::ServerFn as _;

use super::server_fns::{digitalocean_set_up, StartDigitaloceanConnect};

#[component]
pub fn ConnectDigitalOceanPage() -> impl IntoView {
    let set_up = Resource::new(|| (), |_| digitalocean_set_up());
    view! {
        <leptos_meta::Title text="Connect DigitalOcean" />
        <h1>"Connect DigitalOcean"</h1>
        <Loaded resource=set_up signed_in=true loading="Loading…" let:set_up>
            {if set_up {
                view! { <ConnectForm /> }.into_any()
            } else {
                view! {
                    <p class="notice notice-error" role="status">
                        {AppError(Refusal::DigitalOceanNotSetUp).message()}
                    </p>
                }
                    .into_any()
            }}
        </Loaded>
    }
}

#[component]
fn ConnectForm() -> impl IntoView {
    let start = ServerAction::<StartDigitaloceanConnect>::new();
    let query = use_query_map();
    let action_error = form_error(start);
    // The callback's outcome comes back as a fixed word in the URL.
    let error = Signal::derive(move || {
        action_error
            .get()
            .or_else(|| query.with(|q| q.get_str("outcome").and_then(outcome_error)))
    });
    let reconnect = move || query.with(|q| q.get_str("reconnect").map(str::to_string));
    view! {
        <div class="two-column">
            <section class="card" aria-labelledby="do-steps-title">
                <h2 id="do-steps-title">"What happens"</h2>
                <ol class="steps">
                    <li>"You sign in at DigitalOcean."</li>
                    <li>"You choose the team Potions may use."</li>
                    <li>
                        "DigitalOcean sends you back here, and the team appears on your Dashboard."
                    </li>
                </ol>
                <h3>"Potions asks for only this access"</h3>
                <ul class="permissions">
                    {PERMISSIONS
                        .into_iter()
                        .map(|(words, scopes)| {
                            view! {
                                <li>
                                    {words} " "
                                    <span class="muted">"(" <code>{scopes}</code> ")"</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p class="muted">
                    "Never your whole account: no billing, no other teams, nothing Potions does \
                        not need. You can revoke Potions in DigitalOcean's control panel at any time."
                </p>
            </section>
            <section class="card" aria-labelledby="do-connect-title">
                <h2 id="do-connect-title">"Connect a team"</h2>
                // A plain form: the browser itself follows the redirect to
                // DigitalOcean, with or without the WebAssembly.
                <form method="post" action=StartDigitaloceanConnect::PATH>
                    <ErrorNotice error=error />
                    <input type="hidden" name="reconnect" value=reconnect />
                    <Field id="label" label="Label" optional=true hint="Empty: the team's name.">
                        <input
                            id="label"
                            name="label"
                            type="text"
                            maxlength="64"
                            autocomplete="off"
                            aria-describedby=hint_id("label")
                        />
                    </Field>
                    <button type="submit" class="button button-primary">
                        "Continue to DigitalOcean"
                    </button>
                    <p class="hint">
                        "Potions keeps DigitalOcean's tokens encrypted with AES-256-GCM."
                    </p>
                </form>
            </section>
        </div>
    }
}

/// Runs the flow again for a connection, keeping its id and label.
#[component]
pub fn Reconnect(connection_id: String) -> impl IntoView {
    let start = ServerAction::<StartDigitaloceanConnect>::new();
    let error = form_error(start);
    view! {
        <section class="card" aria-labelledby="reconnect-title">
            <h2 id="reconnect-title">"Reconnect DigitalOcean"</h2>
            <super::AccessLostAdvice />
            <form method="post" action=StartDigitaloceanConnect::PATH>
                <ErrorNotice error=error />
                <input type="hidden" name="label" value="" />
                <input type="hidden" name="reconnect" value=connection_id />
                <button type="submit" class="button button-primary">
                    "Reconnect"
                </button>
            </form>
        </section>
    }
}
