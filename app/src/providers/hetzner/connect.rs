//! The Connect Hetzner Cloud page, as the "Connecting Hetzner" doc page describes it.

use leptos::prelude::*;

use super::server_fns::ConnectHetzner;
use super::{CONSOLE_URL, TOKEN_GUIDE_URL};
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::components::{hint_id, Field, RequireUser};

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
                        <li>
                            "Open the "
                            <a href=CONSOLE_URL rel="noopener noreferrer" target="_blank">
                                "Hetzner Cloud Console"
                            </a> " and select the project you want Potions to manage."
                        </li>
                        <li>"Go to " <strong>"Security → API Tokens"</strong> "."</li>
                        <li>
                            "Click " <strong>"Generate API Token"</strong> ", give it a name (e.g. "
                            <code>"Potions"</code> "), and choose " <strong>"Read & Write"</strong>
                            " permissions."
                        </li>
                        <li>
                            "Copy the token. Hetzner only shows it once, so copy it before you leave the page."
                        </li>
                    </ol>
                    <p class="muted">
                        "For more detail, see Hetzner's own guide on "
                        <a href=TOKEN_GUIDE_URL rel="noopener noreferrer" target="_blank">
                            "generating an API token"
                        </a> "."
                    </p>
                    <p class="muted">
                        "A token is scoped to a single project: Potions can only create and \
                            manage resources in that project, with no access to your other \
                            projects, your billing or your account settings."
                    </p>
                </section>
                <section class="card" aria-labelledby="connect-title">
                    <h2 id="connect-title">"Connect a project"</h2>
                    <ActionForm action=connect>
                        <ErrorNotice error=error />
                        <Field
                            id="label"
                            label="Label"
                            optional=true
                            hint="To tell this project apart, e.g. Production."
                        >
                            <input
                                id="label"
                                name="label"
                                type="text"
                                maxlength="64"
                                autocomplete="off"
                                aria-describedby=hint_id("label")
                            />
                        </Field>
                        <Field
                            id="token"
                            label="API Token"
                            hint="64 letters and digits, from Security → API Tokens."
                        >
                            <input
                                id="token"
                                name="token"
                                type="password"
                                required
                                autocomplete="off"
                                spellcheck="false"
                                aria-describedby=hint_id("token")
                            />
                        </Field>
                        <SubmitButton
                            pending=connect.pending()
                            label="Connect Hetzner"
                            busy_label="Checking the token with Hetzner…"
                        />
                        <p class="hint">"Your token is encrypted at rest with AES-256-GCM."</p>
                    </ActionForm>
                </section>
            </div>
        </RequireUser>
    }
}
