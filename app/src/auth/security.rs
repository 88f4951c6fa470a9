//! Account → Security: two-factor sign-in with an authenticator app (TOTP),
//! passkeys (`passkeys.rs`) and recovery codes (`recovery_codes.rs`).
//! Turning a factor on or off, or making new codes, asks for the password
//! again; the codes are shown once, to copy or download.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use super::passkeys::{
    add_passkey_action, PasskeySummary, PasskeysSection, RemovePasskey, RenamePasskey,
};
#[cfg(feature = "ssr")]
use super::recovery_codes::shown;
use super::recovery_codes::{RecoveryCodes, RecoveryCodesLeft, RegenerateRecoveryCodes};
use super::PasswordAgain;
use crate::auth::server_fns::EndOtherSessions;
use crate::components::{form_error, AccountPageHead, Copyable, ErrorNotice, Loaded, SubmitButton};
use crate::error::AppError;
use crate::paths;
#[cfg(feature = "ssr")]
use domain::activity::Outcome;

/// Where the user's authenticator stands, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpView {
    Off,
    /// The secret to scan (an SVG QR code) or type in, until a code confirms it.
    Enrolling {
        secret: String,
        qr_svg: String,
    },
    On,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub totp: TotpView,
    pub passkeys: Vec<PasskeySummary>,
    /// Where passkeys work; `None` where this instance cannot offer them.
    pub passkey_origin: Option<String>,
    pub recovery_codes_left: i64,
    /// New codes not shown yet (after a form posted without JavaScript).
    pub fresh_recovery_codes: Vec<String>,
}

impl SecurityOverview {
    /// Recovery codes stand in for a second factor, so they exist with one.
    fn any_factor_on(&self) -> bool {
        self.totp == TotpView::On || !self.passkeys.is_empty()
    }
}

#[server(prefix = "/api", endpoint = "load_security", output = crate::wire::TextJson)]
pub async fn load_security() -> Result<SecurityOverview, AppError> {
    use domain::second_factor::{totp, TotpState};
    let (user, state) = crate::ssr::user_and_state().await?;
    let status = state.second_factors.status(&user).await?;
    let totp = match status.totp {
        TotpState::Off => TotpView::Off,
        TotpState::On => TotpView::On,
        TotpState::Enrolling { secret, uri } => TotpView::Enrolling {
            secret: secret.to_string(),
            qr_svg: totp::qr_svg(&uri).ok_or(AppError(crate::error::Refusal::Internal))?,
        },
    };
    let passkeys = status
        .passkeys
        .into_iter()
        .map(|p| PasskeySummary {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        })
        .collect();
    Ok(SecurityOverview {
        totp,
        passkeys,
        passkey_origin: state.second_factors.passkey_origin(),
        recovery_codes_left: status.recovery_codes_left,
        fresh_recovery_codes: shown(state.second_factors.take_fresh_codes(&user.id).await?),
    })
}

/// Starts setting up an authenticator app, once the password is confirmed.
#[server(prefix = "/api", endpoint = "begin_totp", output = crate::wire::TextJson)]
pub async fn begin_totp(password: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    state.second_factors.begin_totp(&user.id).await?;
    crate::ssr::redirect_to(paths::SECURITY);
    Ok(())
}

/// A code from the app turns two-factor sign-in on: answers the recovery codes.
#[server(prefix = "/api", endpoint = "confirm_totp", output = crate::wire::TextJson)]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    let codes = state.second_factors.confirm_totp(&user.id, &code).await?;
    let action = "account.two_factor.turned_on";
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_plain_form_post(paths::SECURITY_AFTER_CHANGE);
    Ok(shown(codes))
}

#[server(prefix = "/api", endpoint = "turn_off_totp", output = crate::wire::TextJson)]
pub async fn turn_off_totp(password: String) -> Result<(), AppError> {
    let (user, state) = crate::ssr::user_and_state().await?;
    state.accounts.confirm_password(&user, &password).await?;
    state.second_factors.turn_off(&user.id).await?;
    let action = "account.two_factor.turned_off";
    crate::ssr::record_account(&state, &user.id, action, Outcome::Ok).await;
    crate::ssr::redirect_to(paths::SECURITY_AFTER_CHANGE);
    Ok(())
}

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
                    <div class="field">
                        <label for="enrol-code">"Enter the 6-digit code the app shows"</label>
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
                    </div>
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
