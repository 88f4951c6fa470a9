//! Passkeys on Account → Security: add one (after the password), rename
//! and remove (after the password) them. Adding runs a WebAuthn ceremony in
//! the browser, so it needs JavaScript; renaming and removing do not.

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
    let has_passkeys = !passkeys.is_empty();
    let choices = passkeys.clone();
    view! {
        <p>
            "A passkey (your device's screen lock, or a security key) can be the second step \
                instead of a code. Passkeys made here work at "<code>{origin}</code>"."
        </p>
        {if has_passkeys {
            view! { <PasskeyList passkeys /> }.into_any()
        } else {
            view! { <p data-testid="no-passkeys">"No passkeys yet."</p> }.into_any()
        }}
        <div class="form-grid">
            <AddPasskeyForm add />
            {has_passkeys.then(|| view! { <ChangePasskeyForms passkeys=choices rename remove /> })}
        </div>
    }
    .into_any()
}

#[component]
fn PasskeyList(passkeys: Vec<PasskeySummary>) -> impl IntoView {
    view! {
        <ul class="passkey-list" aria-label="Your passkeys">
            {passkeys
                .into_iter()
                .map(|passkey| {
                    view! {
                        <li>
                            <strong>{passkey.name}</strong>
                            <span class="muted">
                                " Added " {format_time(passkey.created_at)} ", last used "
                                {format_optional_time(passkey.last_used_at)}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn AddPasskeyForm(add: AddPasskey) -> impl IntoView {
    let hydrated = hydrated();
    let name = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
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

/// Renaming and removing: plain forms, one passkey chosen from a menu.
#[component]
fn ChangePasskeyForms(
    passkeys: Vec<PasskeySummary>,
    rename: ServerAction<RenamePasskey>,
    remove: ServerAction<RemovePasskey>,
) -> impl IntoView {
    let rename_menu = passkey_menu("rename-passkey-id", &passkeys);
    let remove_menu = passkey_menu("remove-passkey-id", &passkeys);
    view! {
        <ActionForm action=rename attr:aria-labelledby="rename-passkey-title">
            <h3 id="rename-passkey-title">"Rename a passkey"</h3>
            <ErrorNotice error=form_error(rename) />
            {rename_menu}
            <Field id="rename-passkey-name" label="New name">
                <input id="rename-passkey-name" name="name" type="text" required maxlength="64" />
            </Field>
            <SubmitButton
                pending=rename.pending()
                label="Rename"
                busy_label="Renaming…"
                variant="secondary"
            />
        </ActionForm>
        <ActionForm action=remove attr:aria-labelledby="remove-passkey-title">
            <h3 id="remove-passkey-title">"Remove a passkey"</h3>
            <ErrorNotice error=form_error(remove) />
            {remove_menu}
            <CurrentPassword id="remove-passkey-password" />
            <SubmitButton
                pending=remove.pending()
                label="Remove passkey"
                busy_label="Removing…"
                variant="danger"
            />
        </ActionForm>
    }
}

fn passkey_menu(id: &'static str, passkeys: &[PasskeySummary]) -> impl IntoView {
    let options = passkeys
        .iter()
        .map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> })
        .collect_view();
    view! {
        <Field id=id label="Passkey">
            <select id=id name="id" required>
                {options}
            </select>
        </Field>
    }
}
