//! Accounts: sign up, sign in, sign out, and the signed-in user.

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_location, use_query_map};
use serde::{Deserialize, Serialize};

use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::error::AppError;
use crate::url::encode_component;

/// What the browser may know about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub email: String,
}

impl SignedInUser {
    /// Up to two initials from the email's local part: `ada.lovelace@…` → `AL`.
    pub fn initials(&self) -> String {
        let local = self.email.split('@').next().unwrap_or_default();
        let initials: String = local
            .split(['.', '_', '-', '+'])
            .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect();
        if initials.is_empty() {
            "?".into()
        } else {
            initials
        }
    }
}

#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    Ok(crate::ssr::current_user()
        .await?
        .map(|user| SignedInUser { email: user.email }))
}

#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    let user = state.accounts.sign_up(&email, &password).await?;
    let secret = state.sessions.create(&user.id).await?;
    set_session_cookie(secret.expose(), state.secure_cookies)?;
    tracing::info!(user_id = %user.id, "account created");
    redirect_plain_form_post("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    let user = state
        .accounts
        .sign_in(&email, &password, &client_address())
        .await?;
    // Sign-in always starts a new session; any earlier one is ended.
    if let Some(old) = session_secret()? {
        state.sessions.revoke(&old).await?;
    }
    let secret = state.sessions.create(&user.id).await?;
    set_session_cookie(secret.expose(), state.secure_cookies)?;
    tracing::info!(user_id = %user.id, "signed in");
    redirect_plain_form_post(next.as_deref().unwrap_or("/"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::*;
    let state = state()?;
    if let Some(secret) = session_secret()? {
        state.sessions.revoke(&secret).await?;
    }
    clear_session_cookie(state.secure_cookies)?;
    redirect_to("/login");
    Ok(())
}

/// The signed-in user and the actions that change who that is.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SignedInUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
}

impl Auth {
    pub fn provide() -> Self {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let user = Resource::new(
            move || {
                (
                    sign_in.version().get(),
                    sign_up.version().get(),
                    sign_out.version().get(),
                )
            },
            |_| current_user(),
        );
        let auth = Self {
            user,
            sign_in,
            sign_up,
            sign_out,
        };
        provide_context(auth);
        auth
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Renders `children` for a signed-in user; sends anyone else to sign in,
/// remembering where they were going.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    // The resource is read directly (not through a memo) so that Suspense
    // waits for it during server rendering.
    view! {
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || {
                auth.user
                    .get()
                    .map(|user| match user.map(|u| u.is_some()) {
                        Ok(true) => children.read_value()().into_any(),
                        Ok(false) => {
                            let target = format!(
                                "{}{}",
                                location.pathname.get_untracked(),
                                location.search.get_untracked(),
                            );
                            let path = format!("/login?next={}", encode_component(&target));
                            view! { <Redirect path /> }.into_any()
                        }
                        Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// After the session changed, load the next page in full, so every part of
/// the app starts from the new session (a client-side move could still hold
/// the signed-out state for a moment).
fn load_after_success<S>(action: ServerAction<S>, next: impl Fn() -> String + 'static)
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Send + Sync + Clone + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let target = next();
            let _ = window()
                .location()
                .set_href(crate::url::local_path(&target).unwrap_or("/"));
        }
    });
}

/// The email field both account forms share.
#[component]
fn EmailField() -> impl IntoView {
    view! {
        <div class="field">
            <label for="email">"Email"</label>
            <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" />
        </div>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let error = form_error(auth.sign_in);
    load_after_success(auth.sign_in, next);
    view! {
        <leptos_meta::Title text="Sign in" />
        <section class="auth-card card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Potions"</h1>
            <ActionForm action=auth.sign_in>
                <ErrorNotice error=error />
                <EmailField />
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256" />
                </div>
                <input type="hidden" name="next" value=next />
                <SubmitButton pending=auth.sign_in.pending() label="Sign in" busy_label="Signing in…" />
            </ActionForm>
            <p class="muted">"New to Potions? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let error = form_error(auth.sign_up);
    load_after_success(auth.sign_up, || "/".to_string());
    view! {
        <leptos_meta::Title text="Create your account" />
        <section class="auth-card card" aria-labelledby="sign-up-title">
            <h1 id="sign-up-title">"Create your Potions account"</h1>
            <ActionForm action=auth.sign_up>
                <ErrorNotice error=error />
                <EmailField />
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="new-password"
                        required minlength="8" maxlength="256" aria-describedby="password-hint" />
                    <p id="password-hint" class="hint">"At least 8 characters."</p>
                </div>
                <SubmitButton pending=auth.sign_up.pending() label="Create account" busy_label="Creating account…" />
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/login">"Sign in"</A></p>
        </section>
    }
}

/// A button that ends the session.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let auth = use_auth();
    view! {
        <ActionForm action=auth.sign_out>
            <SubmitButton pending=auth.sign_out.pending() label="Sign out" busy_label="Signing out…" variant="secondary" />
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
    }
}
