//! Accounts in the browser: the signed-in user, the actions that change who
//! that is, and the guard that sends visitors to sign in.

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
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use leptos_router::location::Location;
use serde::{Deserialize, Serialize};

use crate::components::{built_once_on_the_server, ErrorNotice, SubmitButton};
use crate::error::AppError;
use crate::paths::{local_path, with_next, DASHBOARD, SIGN_IN};
use server_fns::{current_user, SignOut};

/// What the browser may know about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub email: String,
}

impl SignedInUser {
    /// Up to two initials from the email's local part: `ada.lovelace@…` → `AL`.
    /// Only ASCII letters are upper-cased (`émile@…` → `é`): full Unicode
    /// case mapping would bring its tables (12 KB gzip) into the browser.
    pub fn initials(&self) -> String {
        let local = self.email.split('@').next().unwrap_or_default();
        let initials: String = local
            .split(['.', '_', '-', '+'])
            .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if initials.is_empty() {
            "?".into()
        } else {
            initials
        }
    }
}

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

/// The signed-in user. The actions that change who that is live on their
/// pages, so their code loads with those pages' chunks: signing in or up
/// loads the next page in full (`load_after_success`), and signing out
/// counts a session change, which loads the user again.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SignedInUser>, AppError>>,
    session_changes: RwSignal<u32>,
}

impl Auth {
    /// Made once, inside the router.
    pub fn provide() -> Self {
        let session_changes = RwSignal::new(0);
        let user = Resource::new(move || session_changes.get(), |_| current_user());
        let auth = Self {
            user,
            session_changes,
        };
        provide_context(auth);
        auth
    }

    /// The signed-in user's email, or nothing while signed out or loading.
    pub fn email(&self) -> Option<String> {
        self.user
            .get()
            .and_then(|u| u.ok().flatten())
            .map(|u| u.email)
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Renders `children` for a signed-in user; sends anyone else to sign in,
/// remembering where they were going. A page whose content is one
/// [`Loaded`](crate::components::Loaded) uses its `signed_in` instead: one
/// boundary renders faster on the server than two nested ones.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading…"
                </p>
            }
        }>
            {move || {
                let location = location.clone();
                Suspend::new(async move {
                    let user = auth.user.await;
                    built_once_on_the_server().await;
                    match signed_in_or(user, &location) {
                        Ok(()) => children.read_value()().into_any(),
                        Err(elsewhere) => elsewhere,
                    }
                })
            }}
        </Suspense>
    }
}

/// Nothing for a signed-in user; otherwise what to show instead: the way to
/// sign in (coming back here afterwards), or why the user is not known.
pub fn signed_in_or(
    user: Result<Option<SignedInUser>, AppError>,
    location: &Location,
) -> Result<(), AnyView> {
    match user {
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            let target = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let path = with_next(SIGN_IN, &target);
            Err(view! { <Redirect path /> }.into_any())
        }
        Err(err) => Err(view! { <ErrorNotice error=err /> }.into_any()),
    }
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
            auth.session_changes.update(|changes| *changes += 1);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn initials(email: &str) -> String {
        SignedInUser {
            email: email.into(),
        }
        .initials()
    }

    #[test]
    fn initials_come_from_the_local_part() {
        assert_eq!(initials("ada.lovelace@example.com"), "AL");
        assert_eq!(initials("grace@example.com"), "G");
        assert_eq!(initials("j_r-r_tolkien@example.com"), "JR");
        assert_eq!(initials("...@example.com"), "?");
        assert_eq!(initials("émile.zola@example.com"), "éZ");
    }
}
