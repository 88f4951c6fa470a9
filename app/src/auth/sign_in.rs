//! The sign-in page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{load_after_success, next_from_query, use_auth, EmailField, PasswordField};
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::paths::{with_next, SIGN_UP};

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let next = next_from_query();
    let error = form_error(auth.sign_in);
    load_after_success(move || auth.sign_in.value().get());
    view! {
        <leptos_meta::Title text="Sign in" />
        <section class="auth-card card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Potions"</h1>
            <ActionForm action=auth.sign_in>
                <ErrorNotice error=error />
                <EmailField />
                <PasswordField new=false />
                <input type="hidden" name="next" value=next />
                <SubmitButton
                    pending=auth.sign_in.pending()
                    label="Sign in"
                    busy_label="Signing in…"
                />
            </ActionForm>
            <p class="muted">
                "New to Potions? "
                <A href=move || with_next(SIGN_UP, &next())>"Create an account"</A>
            </p>
        </section>
    }
}
