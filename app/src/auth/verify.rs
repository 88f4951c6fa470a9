//! The second step of signing in: a code from the authenticator app, a
//! recovery code (a plain form: it works without JavaScript), or a passkey.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_fns::{
    begin_passkey_sign_in, finish_passkey_sign_in, load_second_steps, VerifySignIn,
};
use super::webauthn::{self, Ceremony};
use super::{load_after_success, next_from_query, SecondSteps};
use crate::components::{form_error, hint_id, hydrated, ErrorNotice, Field, SubmitButton};
use crate::error::AppError;
use crate::paths::SIGN_IN;

/// The passkey's way through the second step; answers where to go next.
async fn sign_in_with_passkey(next: String) -> Result<String, AppError> {
    let challenge = begin_passkey_sign_in().await?;
    let credential = webauthn::run(Ceremony::Get, &challenge.options).await?;
    finish_passkey_sign_in(challenge.ceremony, credential, Some(next)).await
}

#[component]
pub fn SecondStepPage() -> impl IntoView {
    let verify = ServerAction::<VerifySignIn>::new();
    let steps = Resource::new(|| (), |_| load_second_steps());
    let next = next_from_query();
    let error = form_error(verify);
    load_after_success(move || verify.value().get());
    let steps = move || {
        steps.get().and_then(Result::ok).unwrap_or(SecondSteps {
            authenticator: true,
            passkey: false,
        })
    };
    view! {
        <leptos_meta::Title text="Two-factor sign-in" />
        <section class="auth-card card" aria-labelledby="second-step-title">
            <h1 id="second-step-title">"Two-factor sign-in"</h1>
            <Suspense fallback=|| ()>
                {move || steps().passkey.then(|| view! { <UsePasskey next /> })}
                <p>
                    {move || {
                        if steps().authenticator {
                            "Enter the 6-digit code from your authenticator app, or one of your \
                             recovery codes."
                        } else {
                            "Or enter one of your recovery codes."
                        }
                    }}
                </p>
            </Suspense>
            <ActionForm action=verify>
                <ErrorNotice error=error />
                <Field
                    id="code"
                    label="Code"
                    hint="Each code works once. A recovery code looks like abcd-efgh-…"
                >
                    <input
                        id="code"
                        name="code"
                        type="text"
                        required
                        autocomplete="one-time-code"
                        autocapitalize="off"
                        spellcheck="false"
                        maxlength="64"
                        aria-describedby=hint_id("code")
                    />
                </Field>
                <input type="hidden" name="next" value=next />
                <SubmitButton pending=verify.pending() label="Verify" busy_label="Verifying…" />
            </ActionForm>
            <p class="muted">"Not you, or waited too long? " <A href=SIGN_IN>"Start again"</A></p>
        </section>
    }
}

/// "Use a passkey": the browser asks the user's passkey, then goes on.
#[component]
fn UsePasskey(next: impl Fn() -> String + Copy + Send + Sync + 'static) -> impl IntoView {
    let hydrated = hydrated();
    let use_passkey = Action::new_local(|next: &String| sign_in_with_passkey(next.clone()));
    load_after_success(move || use_passkey.value().get());
    let error = Signal::derive(move || use_passkey.value().get().and_then(Result::err));
    view! {
        <div class="passkey-step">
            <ErrorNotice error=error />
            <button
                type="button"
                class="button button-primary"
                disabled=move || use_passkey.pending().get() || !hydrated.get()
                aria-busy=move || use_passkey.pending().get().to_string()
                on:click=move |_| {
                    use_passkey.dispatch(next());
                }
            >
                {move || {
                    if use_passkey.pending().get() {
                        "Waiting for your passkey…"
                    } else {
                        "Use a passkey"
                    }
                }}
            </button>
            <noscript>
                <p class="hint">"Signing in with a passkey needs JavaScript."</p>
            </noscript>
        </div>
    }
}
