//! Account → Security: two-factor sign-in with an authenticator app (TOTP),
//! passkeys (`passkeys.rs`) and recovery codes (`recovery_codes.rs`).
//! Turning a factor on or off, or making new codes, asks for the password
//! again; the codes are shown once, to copy or download.

use leptos::prelude::*;
use leptos_router::components::A;

use super::passkeys::{add_passkey_action, PasskeysSection};
use super::recovery_codes::{RecoveryCodes, RecoveryCodesLeft};
use super::server_fns::{
    load_security, BeginTotp, ConfirmTotp, EndOtherSessions, RegenerateRecoveryCodes,
    RemovePasskey, RenamePasskey, TurnOffTotp,
};
use super::{PasswordAgain, TotpView};
use crate::components::{
    form_error, AccountPageHead, Copyable, ErrorNotice, Field, Loaded, SubmitButton,
};
use crate::paths;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let begin = ServerAction::<BeginTotp>::new();
    let confirm = ServerAction::<ConfirmTotp>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let turn_off = ServerAction::<TurnOffTotp>::new();
    let add_passkey = add_passkey_action();
    let rename_passkey = ServerAction::<RenamePasskey>::new();
    let remove_passkey = ServerAction::<RemovePasskey>::new();
    let overview = Resource::new(
        move || {
            [
                begin.version(),
                confirm.version(),
                regenerate.version(),
                turn_off.version(),
                add_passkey.version(),
                rename_passkey.version(),
                remove_passkey.version(),
            ]
            .map(|version| version.get())
        },
        |_| load_security(),
    );
    let query = leptos_router::hooks::use_query_map();
    let changed = move || {
        query.read().get("changed").is_some()
            || [
                confirm.version(),
                regenerate.version(),
                turn_off.version(),
                remove_passkey.version(),
            ]
            .iter()
            .any(|version| version.get() > 0)
            || add_passkey.value().get().is_some_and(|added| added.is_ok())
    };
    // The codes of the last confirm, regenerate or first passkey, shown once.
    let answered_codes = move || {
        regenerate
            .value()
            .get()
            .or_else(|| confirm.value().get())
            .or_else(|| add_passkey.value().get())
            .and_then(Result::ok)
            .filter(|codes| !codes.is_empty())
    };
    view! {
        <leptos_meta::Title text="Security" />
        <AccountPageHead title="Security" />
        {move || changed().then(|| view! { <SignOutElsewhere /> })}
        <Loaded resource=overview signed_in=true loading="Loading…" let:overview>
            {
                let fresh = overview.fresh_recovery_codes.clone();
                move || {
                    answered_codes()
                        .or_else(|| (!fresh.is_empty()).then(|| fresh.clone()))
                        .map(|codes| view! { <RecoveryCodes codes /> })
                }
            }
            <section class="card" aria-labelledby="totp-title">
                <h2 id="totp-title">"Two-factor sign-in"</h2>
                {match overview.totp.clone() {
                    TotpView::Off => view! { <TurnOn begin /> }.into_any(),
                    TotpView::Enrolling { secret, qr_svg } => {
                        view! { <Enrol secret qr_svg confirm /> }.into_any()
                    }
                    TotpView::On => view! { <IsOn turn_off /> }.into_any(),
                }}
            </section>
            <section class="card" aria-labelledby="passkeys-title">
                <h2 id="passkeys-title">"Passkeys"</h2>
                <PasskeysSection
                    passkeys=overview.passkeys.clone()
                    origin=overview.passkey_origin.clone()
                    add=add_passkey
                    rename=rename_passkey
                    remove=remove_passkey
                />
            </section>
            {overview
                .any_factor_on()
                .then(|| {
                    view! {
                        <RecoveryCodesLeft codes_left=overview.recovery_codes_left regenerate />
                    }
                })}
        </Loaded>
    }
}

#[component]
fn TurnOn(begin: ServerAction<BeginTotp>) -> impl IntoView {
    view! {
        <p>
            "Off. With it on, signing in also asks for a code from an authenticator app \
                on your phone, so a stolen password alone cannot reach your clouds."
        </p>
        <ActionForm action=begin>
            <PasswordAgain
                id="begin-password"
                error=form_error(begin)
                pending=begin.pending()
                label="Set up an authenticator app"
                busy_label="Starting…"
            />
        </ActionForm>
    }
}

#[component]
fn Enrol(secret: String, qr_svg: String, confirm: ServerAction<ConfirmTotp>) -> impl IntoView {
    let error = form_error(confirm);
    // The SVG comes from our own QR encoder: markup only, never user input.
    let svg = qr_svg
        .find("<svg")
        .map(|start| qr_svg[start..].to_string())
        .unwrap_or_default();
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this code with your authenticator app:"</p>
                <div
                    class="qr-code"
                    role="img"
                    aria-label="QR code of your two-factor secret"
                    inner_html=svg
                />
                <p>"Or type in this key:"</p>
                <Copyable value=secret what="two-factor key" />
            </li>
            <li>
                <ActionForm action=confirm>
                    <ErrorNotice error=error />
                    <Field id="enrol-code" label="Enter the 6-digit code the app shows">
                        <input
                            id="enrol-code"
                            name="code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            pattern="[0-9 ]{6,7}"
                            required
                            maxlength="7"
                        />
                    </Field>
                    <SubmitButton
                        pending=confirm.pending()
                        label="Turn on two-factor sign-in"
                        busy_label="Checking…"
                    />
                </ActionForm>
            </li>
        </ol>
    }
}

#[component]
fn IsOn(turn_off: ServerAction<TurnOffTotp>) -> impl IntoView {
    view! {
        <p>
            <span class="badge badge-success">"On"</span>
            " Signing in asks for a code from your authenticator app."
        </p>
        <ActionForm action=turn_off>
            <PasswordAgain
                id="turn-off-password"
                error=form_error(turn_off)
                pending=turn_off.pending()
                label="Turn off two-factor sign-in"
                busy_label="Turning off…"
                variant="danger"
            />
        </ActionForm>
        <p class="muted">
            "After changing how you sign in, check " <A href=paths::SESSIONS>"your sessions"</A>
            " and sign out any browser you don't recognise."
        </p>
    }
}

/// Offered right after a factor changed: a browser signed in before the
/// change keeps its session until it is ended.
#[component]
fn SignOutElsewhere() -> impl IntoView {
    let end_others = ServerAction::<EndOtherSessions>::new();
    view! {
        <section class="card" aria-labelledby="elsewhere-title">
            <h2 id="elsewhere-title">"Sign out other browsers?"</h2>
            <p>
                "You changed how you sign in. Browsers already signed in stay signed in \
                    until you sign them out."
            </p>
            <ActionForm action=end_others>
                <ErrorNotice error=form_error(end_others) />
                <SubmitButton
                    pending=end_others.pending()
                    label="Sign out everywhere else"
                    busy_label="Signing out…"
                    variant="secondary"
                />
            </ActionForm>
        </section>
    }
}
