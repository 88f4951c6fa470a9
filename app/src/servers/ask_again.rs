//! The fields a step that destroys or takes a safety net away asks again
//! for: the server's name, typed, and the password. The server checks both
//! before anything is sent.

use leptos::prelude::*;

use crate::components::Field;

/// The server's name and the password, their ids prefixed with `form`.
#[component]
pub fn AskAgainFields(form: &'static str, server_name: String) -> impl IntoView {
    let (name_id, password_id) = (format!("{form}-name"), format!("{form}-password"));
    view! {
        <div class="form-grid">
            <Field id=name_id.clone() label=format!("Type {server_name} to confirm")>
                <input id=name_id name="name" type="text" required autocomplete="off" />
            </Field>
            <Field id=password_id.clone() label="Your password">
                <input
                    id=password_id
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    maxlength="256"
                />
            </Field>
        </div>
    }
}
