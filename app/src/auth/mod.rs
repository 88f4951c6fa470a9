//! Accounts in the browser: signing up, in and out, the second step,
//! sessions, passkeys and two-factor sign-in (who is signed in is
//! `session`'s; the guard that sends visitors to sign in, `components`').

pub mod passkeys;
pub mod recovery_codes;
pub mod security;
pub mod server_fns;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod verify;
mod webauthn;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::{ErrorNotice, SubmitButton};
use crate::error::AppError;
use crate::paths::{local_path, DASHBOARD};
use crate::session::use_auth;
use server_fns::SignOut;

/// A signed-in browser, as Account → Sessions shows it: never its cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names the session to end it; cannot be turned into a cookie.
    pub handle: String,
    pub user_agent: String,
    pub client_address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    pub factors: String,
    /// The browser looking at the page.
    pub current: bool,
}

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
        <div class="field">
            <label for="email">"Email"</label>
            <input
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                required
                maxlength="254"
            />
        </div>
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
        <div class="field">
            <label for="password">"Password"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete=autocomplete
                required
                minlength=new.then_some("8")
                maxlength="256"
                aria-describedby=new.then_some("password-hint")
            />
            {new
                .then(|| {
                    view! {
                        <p id="password-hint" class="hint">
                            "At least 8 characters."
                        </p>
                    }
                })}
        </div>
    }
}

/// The password asked again before a second factor changes.
#[component]
fn CurrentPassword(
    id: &'static str,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"Your password"</label>
            <input
                id=id
                name="password"
                type="password"
                autocomplete="current-password"
                required
                maxlength="256"
                node_ref=node_ref
            />
        </div>
    }
}

/// The inside of a form that changes a factor: its error, the password
/// again, and its button.
#[component]
fn PasswordAgain(
    id: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(default = "primary")] variant: &'static str,
) -> impl IntoView {
    view! {
        <ErrorNotice error=error />
        <CurrentPassword id />
        <SubmitButton pending label busy_label variant />
    }
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
