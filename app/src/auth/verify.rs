//! The second step of signing in: a code from the authenticator app, a
//! recovery code (a plain form: it works without JavaScript), or a passkey.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use super::passkeys::PasskeyChallenge;
use super::server_fns::VerifySignIn;
use super::webauthn::{self, Ceremony};
use super::{load_after_success, next_from_query};
use crate::components::{form_error, hydrated, ErrorNotice, SubmitButton};
use crate::error::AppError;
use crate::paths::SIGN_IN;
#[cfg(feature = "ssr")]
use domain::activity::Outcome;

/// Which second steps the waiting sign-in's account has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondSteps {
    pub authenticator: bool,
    pub passkey: bool,
}

#[server(prefix = "/api", endpoint = "load_second_steps", output = crate::wire::TextJson)]
pub async fn load_second_steps() -> Result<SecondSteps, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let (authenticator, passkey) = state.second_factors.waiting_steps(&pending).await?;
    Ok(SecondSteps {
        authenticator,
        passkey,
    })
}

#[server(prefix = "/api", endpoint = "begin_passkey_sign_in", output = crate::wire::TextJson)]
pub async fn begin_passkey_sign_in() -> Result<PasskeyChallenge, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let challenge = state.second_factors.begin_passkey_sign_in(&pending).await?;
    Ok(challenge.into())
}

/// Completes the sign-in this browser started with the passkey's answer.
#[server(prefix = "/api", endpoint = "finish_passkey_sign_in", output = crate::wire::TextJson)]
pub async fn finish_passkey_sign_in(
    ceremony: String,
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let state = state()?;
    let pending =
        pending_sign_in(&state)?.ok_or(AppError(crate::error::Refusal::SecondStepExpired))?;
    let completed = state
        .second_factors
        .complete_sign_in_with_passkey(&pending, &ceremony, &credential)
        .await;
    let (user_id, factor) = match completed {
        Ok(completed) => completed,
        Err(err) => {
            if let Ok(Some(user_id)) = state.second_factors.waiting_user(&pending).await {
                let action = domain::second_factor::Factor::Passkey.sign_in_action();
                record_account(&state, &user_id, action, Outcome::Failed).await;
            }
            return Err(err.into());
        }
    };
    clear_pending_sign_in_cookie(state.secure_cookies)?;
    tracing::info!(%user_id, "signed in with a passkey");
    record_account(&state, &user_id, factor.sign_in_action(), Outcome::Ok).await;
    super::server_fns::start_session(&state, &user_id, factor.as_str(), next).await
}

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
