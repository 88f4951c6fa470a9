//! The sign-up page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_fns::SignUp;
use super::{load_after_success, next_from_query, EmailField, PasswordField};
use crate::components::{form_error, ErrorNotice, SubmitButton};
use crate::paths::{with_next, SIGN_IN};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let sign_up = ServerAction::<SignUp>::new();
    let next = next_from_query();
    let error = form_error(sign_up);
    load_after_success(move || sign_up.value().get());
    view! {
        <leptos_meta::Title text="Create your account" />
        <section class="auth-card card" aria-labelledby="sign-up-title">
            <h1 id="sign-up-title">"Create your Potions account"</h1>
            <ActionForm action=sign_up>
                <ErrorNotice error=error />
                <EmailField />
                <PasswordField new=true />
                <input type="hidden" name="next" value=next />
                <SubmitButton
                    pending=sign_up.pending()
                    label="Create account"
                    busy_label="Creating account…"
                />
            </ActionForm>
            <p class="muted">
                "Already have an account? "
                <A href=move || with_next(SIGN_IN, &next())>"Sign in"</A>
            </p>
        </section>
    }
}
