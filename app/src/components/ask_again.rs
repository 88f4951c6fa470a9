//! The fields a step that destroys or takes a safety net away asks again
//! for: the server's name, typed, and, as the server decided for this
//! session, an authenticator code (or a recovery code) or the password.
//! The server checks them before anything is sent.

use leptos::prelude::*;
use model::AskAgain;

use super::{hint_id, Field};

/// The server's name and the proof `ask` names, their ids prefixed with `form`.
#[component]
pub fn AskAgainFields(
    #[prop(into)] form: String,
    server_name: String,
    ask: AskAgain,
) -> impl IntoView {
    let name_id = format!("{form}-name");
    let proof = match ask {
        AskAgain::Password => {
            let id = format!("{form}-password");
            view! {
                <Field id=id.clone() label="Your password">
                    <input
                        id=id
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        maxlength="256"
                    />
                </Field>
            }
            .into_any()
        }
        AskAgain::Code | AskAgain::Recent => {
            let id = format!("{form}-code");
            let recent = ask == AskAgain::Recent;
            let hint = if recent {
                "Not needed now: your authenticator was checked less than five minutes ago."
            } else {
                "From your authenticator app, or one of your recovery codes."
            };
            view! {
                <Field id=id.clone() label="Authenticator code" optional=recent hint=hint>
                    <input
                        id=id.clone()
                        name="code"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="off"
                        spellcheck="false"
                        required=!recent
                        maxlength="64"
                        aria-describedby=hint_id(&id)
                    />
                </Field>
            }
            .into_any()
        }
    };
    view! {
        <div class="form-grid">
            <Field id=name_id.clone() label=format!("Type {server_name} to confirm")>
                <input id=name_id name="name" type="text" required autocomplete="off" />
            </Field>
            {proof}
        </div>
    }
}
