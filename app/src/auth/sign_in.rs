//! The sign-in page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_fns::SignIn;
use super::{load_after_success, next_from_query, EmailField, PasswordField};
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::paths::{with_next, SIGN_UP};

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let next = next_from_query();
    let error = form_error(sign_in);
    load_after_success(move || sign_in.value().get());
    view! {
        <leptos_meta::Title text="Sign in" />
        <section class="auth-card card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Potions"</h1>
            <ActionForm action=sign_in>
                <ErrorNotice error=error />
                <EmailField />
                <PasswordField new=false />
                <input type="hidden" name="next" value=next />
                <SubmitButton
                    pending=sign_in.pending()
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
