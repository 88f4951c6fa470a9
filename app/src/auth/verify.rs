//! The second step of signing in: a code from the authenticator app, or a
//! recovery code. A plain form: it works without JavaScript.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_fns::VerifySignIn;
use super::{load_after_success, next_from_query};
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::paths::SIGN_IN;

#[component]
pub fn SecondStepPage() -> impl IntoView {
    let verify = ServerAction::<VerifySignIn>::new();
    let next = next_from_query();
    let error = form_error(verify);
    load_after_success(verify);
    view! {
        <leptos_meta::Title text="Two-factor sign-in" />
        <section class="auth-card card" aria-labelledby="second-step-title">
            <h1 id="second-step-title">"Two-factor sign-in"</h1>
            <p>
                "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
            </p>
            <ActionForm action=verify>
                <ErrorNotice error=error />
                <div class="field">
                    <label for="code">"Code"</label>
                    <input
                        id="code"
                        name="code"
                        type="text"
                        required
                        autocomplete="one-time-code"
                        autocapitalize="off"
                        spellcheck="false"
                        maxlength="64"
                        aria-describedby="code-hint"
                    />
                    <p id="code-hint" class="hint">
                        "Each code works once. A recovery code looks like abcd-efgh-…"
                    </p>
                </div>
                <input type="hidden" name="next" value=next />
                <SubmitButton pending=verify.pending() label="Verify" busy_label="Verifying…" />
            </ActionForm>
            <p class="muted">"Not you, or waited too long? " <A href=SIGN_IN>"Start again"</A></p>
        </section>
    }
}
