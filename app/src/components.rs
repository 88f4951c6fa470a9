//! The small design system's building blocks.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::error::AppError;

/// An error message that assistive technology announces when it appears.
#[component]
pub fn ErrorNotice(#[prop(into)] error: MaybeProp<AppError>) -> impl IntoView {
    view! {
        <div role="alert" class="notice-slot">
            {move || error.get().map(|err| view! { <p class="notice notice-error">{err.message()}</p> })}
        </div>
    }
}

/// A submit button that says it is working while its action is pending.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(default = "primary")] variant: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=format!("button button-{variant}") disabled=pending aria-busy=move || pending.get().to_string()>
            {move || if pending.get() {
                view! { <span class="spinner" aria-hidden="true"></span> {busy_label} }.into_any()
            } else {
                label.into_any()
            }}
        </button>
    }
}

/// The top navigation: product name, Dashboard, and the user's avatar.
#[component]
pub fn TopNav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="topnav">
            <nav aria-label="Main" class="topnav-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"⚗"</span>
                    "Potions"
                </A>
                <Transition fallback=|| ()>
                    {move || auth.user.get().map(|user| match user {
                        Ok(Some(user)) => {
                            let label = format!("Account ({})", user.email);
                            let initials = user.initials();
                            view! {
                            <A href="/" attr:class="nav-link">"Dashboard"</A>
                            <A href="/account" attr:class="avatar" attr:aria-label=label attr:title=user.email>
                                <span aria-hidden="true">{initials}</span>
                            </A>
                            }.into_any()
                        }
                        _ => view! {
                            <A href="/login" attr:class="nav-link">"Sign in"</A>
                            <A href="/signup" attr:class="button button-primary button-small">"Sign up"</A>
                        }.into_any(),
                    })}
                </Transition>
            </nav>
        </header>
    }
}
