//! Passkeys on Account → Security: add one (after the password); each
//! listed passkey has its own Rename and Remove (after the password).
//! Adding runs a WebAuthn ceremony in the browser, so it needs JavaScript;
//! renaming and removing are plain forms that do not.

use leptos::prelude::*;

use super::server_fns::{
    begin_passkey_registration, finish_passkey_registration, RemovePasskey, RenamePasskey,
};
use super::{CurrentPassword, PasskeySummary};
use crate::auth::webauthn::{self, Ceremony};
use crate::components::{form_error, hydrated, ErrorNotice, Field, SubmitButton};
use crate::error::AppError;
use crate::format::{format_optional_time, format_time};

/// What the add form sends: the passkey's name and the password.
#[derive(Clone)]
pub struct NewPasskey {
    pub name: String,
    pub password: String,
}

/// Adds a passkey: the server's challenge, the browser's ceremony, the
/// server's check. Answers any first recovery codes.
pub async fn add_passkey(new: NewPasskey) -> Result<Vec<String>, AppError> {
    let challenge = begin_passkey_registration(new.name, new.password).await?;
    let credential = webauthn::run(Ceremony::Create, &challenge.options).await?;
    finish_passkey_registration(challenge.ceremony, credential).await
}

/// The action that adds a passkey; its future runs browser APIs, so it is local.
pub type AddPasskey = Action<NewPasskey, Result<Vec<String>, AppError>>;

pub fn add_passkey_action() -> AddPasskey {
    Action::new_local(|new: &NewPasskey| add_passkey(new.clone()))
}

#[component]
pub fn PasskeysSection(
    passkeys: Vec<PasskeySummary>,
    /// Where passkeys work; `None` where this instance cannot offer them.
    origin: Option<String>,
    add: AddPasskey,
    rename: ServerAction<RenamePasskey>,
    remove: ServerAction<RemovePasskey>,
) -> impl IntoView {
    let Some(origin) = origin else {
        return view! {
            <p class="muted">
                "Passkeys need Potions to be reached at a domain name. Ask whoever runs this \
                    instance to set its public URL."
            </p>
        }
        .into_any();
    };
    let list = if passkeys.is_empty() {
        view! { <p data-testid="no-passkeys">"No passkeys yet."</p> }.into_any()
    } else {
        view! { <PasskeyList passkeys rename remove /> }.into_any()
    };
    view! {
        <p>
            "A passkey (your device's screen lock, or a security key) can be the second step \
                instead of a code. Passkeys made here work at "<code>{origin}</code>"."
        </p>
        <ErrorNotice error=form_error(rename) />
        <ErrorNotice error=form_error(remove) />
        {list}
        <AddPasskeyForm add />
    }
    .into_any()
}

/// Each passkey with its own actions, each a plain form folded in a
/// `<details>`: reachable by keyboard, named for screen readers, and
/// working without JavaScript.
#[component]
fn PasskeyList(
    passkeys: Vec<PasskeySummary>,
    rename: ServerAction<RenamePasskey>,
    remove: ServerAction<RemovePasskey>,
) -> impl IntoView {
    view! {
        <ul class="passkey-list" aria-label="Your passkeys">
            {passkeys
                .into_iter()
                .map(|passkey| view! { <PasskeyItem passkey rename remove /> })
                .collect_view()}
        </ul>
    }
}

#[component]
fn PasskeyItem(
    passkey: PasskeySummary,
    rename: ServerAction<RenamePasskey>,
    remove: ServerAction<RemovePasskey>,
) -> impl IntoView {
    let PasskeySummary {
        id,
        name,
        created_at,
        last_used_at,
    } = passkey;
    let name_input = format!("rename-{id}");
    let password_input = format!("remove-{id}");
    // Each form's children are a closure of their own: one copy each.
    let (rename_id, remove_id) = (id.clone(), id);
    let current_name = name.clone();
    view! {
        <li class="passkey">
            <div>
                <strong>{name.clone()}</strong>
                <span class="muted">
                    " Added " {format_time(created_at)} ", last used "
                    {format_optional_time(last_used_at)}
                </span>
            </div>
            <details class="passkey-action">
                <summary>"Rename" <span class="visually-hidden">" " {name.clone()}</span></summary>
                <ActionForm action=rename>
                    <input type="hidden" name="id" value=rename_id />
                    <Field id=name_input.clone() label="New name">
                        <input
                            id=name_input
                            name="name"
                            type="text"
                            required
                            maxlength="64"
                            value=current_name
                        />
                    </Field>
                    <SubmitButton
                        pending=rename.pending()
                        label="Save name"
                        busy_label="Renaming…"
                        variant="secondary"
                    />
                </ActionForm>
            </details>
            <details class="passkey-action">
                <summary>"Remove" <span class="visually-hidden">" " {name}</span></summary>
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=remove_id />
                    <CurrentPassword id=password_input />
                    <SubmitButton
                        pending=remove.pending()
                        label="Remove passkey"
                        busy_label="Removing…"
                        variant="danger"
                    />
                </ActionForm>
            </details>
        </li>
    }
}

#[component]
fn AddPasskeyForm(add: AddPasskey) -> impl IntoView {
    let hydrated = hydrated();
    let name = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    // Added: the form is empty again, the typed password gone from the page.
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            for input in [name, password] {
                if let Some(el) = input.get() {
                    el.set_value("");
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = |input: NodeRef<leptos::html::Input>| {
            input.get().map(|el| el.value()).unwrap_or_default()
        };
        add.dispatch(NewPasskey {
            name: value(name),
            password: value(password),
        });
    };
    view! {
        <form on:submit=submit aria-labelledby="add-passkey-title">
            <h3 id="add-passkey-title">"Add a passkey"</h3>
            <ErrorNotice error=error />
            <Field id="passkey-name" label="Name">
                <input
                    id="passkey-name"
                    name="name"
                    type="text"
                    required
                    maxlength="64"
                    placeholder="Laptop"
                    node_ref=name
                />
            </Field>
            <CurrentPassword id="passkey-password" node_ref=password />
            <noscript>
                <p class="hint">"Adding a passkey needs JavaScript."</p>
            </noscript>
            <SubmitButton
                pending=add.pending()
                unavailable=Signal::derive(move || !hydrated.get())
                label="Add a passkey"
                busy_label="Waiting for your passkey…"
                variant="secondary"
            />
        </form>
    }
}
