//! Accounts in the browser: signing up, in and out, the second step,
//! sessions, passkeys and two-factor sign-in (who is signed in is
//! `session`'s; the guard that sends visitors to sign in, `components`').

pub mod server_fns;
pub mod sign_in;
pub mod sign_up;
pub mod verify;
pub(crate) mod webauthn;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::{hint_id, Field, SubmitButton};
use crate::error::AppError;
use crate::paths::{local_path, DASHBOARD};
use crate::session::use_auth;
use server_fns::SignOut;

/// After the session changed, load the next page in full, so every part of
/// the app starts from the new session (a client-side move could still hold
/// the signed-out state for a moment).
fn load_after_success(answer: impl Fn() -> Option<Result<String, AppError>> + 'static) {
    Effect::new(move |_| {
        if let Some(Ok(target)) = answer() {
            let _ = window()
                .location()
                .set_href(local_path(&target).unwrap_or(DASHBOARD));
        }
    });
}

/// Where to go after signing in or up: the `next` query parameter, or the Dashboard.
fn next_from_query() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.read().get("next").unwrap_or_else(|| DASHBOARD.into())
}

/// The email field both account forms share.
#[component]
fn EmailField() -> impl IntoView {
    view! {
        <Field id="email" label="Email">
            <input
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                required
                maxlength="254"
            />
        </Field>
    }
}

/// The password field: a new one (sign-up) says the rule, an existing one
/// (sign-in) lets the password manager fill it.
#[component]
fn PasswordField(new: bool) -> impl IntoView {
    let autocomplete = if new {
        "new-password"
    } else {
        "current-password"
    };
    view! {
        <Field
            id="password"
            label="Password"
            hint=new.then(|| "At least 8 characters.".to_string())
        >
            <input
                id="password"
                name="password"
                type="password"
                autocomplete=autocomplete
                required
                minlength=new.then_some("8")
                maxlength="256"
                aria-describedby=new.then(|| hint_id("password"))
            />
        </Field>
    }
}

/// A ceremony the server started: the id its answer goes back with, and
/// the options for the browser (WebAuthn JSON). No `Debug`: the ceremony id
/// answers for its user for five minutes, so no log line may print it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    pub options: String,
}

#[cfg(feature = "ssr")]
impl From<domain::accounts::second_factor::PasskeyChallenge> for PasskeyChallenge {
    fn from(challenge: domain::accounts::second_factor::PasskeyChallenge) -> Self {
        Self {
            ceremony: challenge.ceremony,
            options: challenge.options,
        }
    }
}

/// Which second steps the waiting sign-in's account has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondSteps {
    pub authenticator: bool,
    pub passkey: bool,
}

/// A button that ends the session.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let auth = use_auth();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if sign_out.version().get() > 0 {
            auth.session_changed();
        }
    });
    view! {
        <ActionForm action=sign_out>
            <SubmitButton
                pending=sign_out.pending()
                label="Sign out"
                busy_label="Signing out…"
                variant="secondary"
            />
        </ActionForm>
    }
}
