//! The actions on a server's page, each a plain form that works without
//! JavaScript: power, rename, reverse DNS and protection.

use leptos::prelude::*;
use model::provisioning::PowerAction;

use super::server_fns::{PowerServer, RenameServer, SetReverseDns, SetServerProtection};
use super::ServerOverview;
use crate::components::{form_error, hint_id, ErrorNotice, Field, SubmitButton};

/// The power actions the server's status allows, each a plain form.
#[component]
pub fn PowerCard(overview: ServerOverview) -> impl IntoView {
    let power = ServerAction::<PowerServer>::new();
    let server = overview.details.server;
    let allowed: Vec<PowerAction> = PowerAction::ALL
        .into_iter()
        .filter(|action| action.allowed_when(&server.status))
        .collect();
    let forms = allowed
        .into_iter()
        .map(|action| {
            let (connection_id, server_id) =
                (overview.connection_id.clone(), server.id.to_string());
            let variant = match action {
                PowerAction::PowerOff | PowerAction::Reset => "danger-outline",
                _ => "secondary",
            };
            view! {
                <ActionForm action=power attr:class="power-action">
                    <input type="hidden" name="id" value=connection_id />
                    <input type="hidden" name="server_id" value=server_id />
                    <input type="hidden" name="action" value=action.param() />
                    <SubmitButton
                        pending=power.pending()
                        label=action.label()
                        busy_label="Sending…"
                        variant
                    />
                    <p class="hint">{action.explanation()}</p>
                </ActionForm>
            }
        })
        .collect_view();
    let none_now = format!(
        "The server is {}: its actions return when {} says it is running or off.",
        server.status,
        overview.provider.short_name(),
    );
    let has_forms = PowerAction::ALL
        .iter()
        .any(|a| a.allowed_when(&server.status));
    view! {
        <section class="card" aria-labelledby="power-title">
            <h2 id="power-title">"Power"</h2>
            <ErrorNotice error=form_error(power) />
            {if has_forms {
                view! { <div class="power-actions">{forms}</div> }.into_any()
            } else {
                view! { <p class="muted">{none_now}</p> }.into_any()
            }}
        </section>
    }
}

/// A new name for the server, checked as a host name here and again on the server.
#[component]
pub fn RenameCard(overview: ServerOverview) -> impl IntoView {
    let rename = ServerAction::<RenameServer>::new();
    let server = overview.details.server;
    let hint = match overview.provider {
        model::Provider::DigitalOcean => {
            "A host name, e.g. web-1. DigitalOcean names the addresses' reverse DNS after it."
        }
        model::Provider::Hetzner => "A host name, e.g. web-1.",
    };
    view! {
        <section class="card" aria-labelledby="rename-title">
            <h2 id="rename-title">"Rename"</h2>
            <ActionForm action=rename>
                <ErrorNotice error=form_error(rename) />
                <input type="hidden" name="id" value=overview.connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <Field id="rename-name" label="New name" hint=hint>
                    <input
                        id="rename-name"
                        name="name"
                        type="text"
                        required
                        maxlength="253"
                        pattern=model::limits::SERVER_NAME_PATTERN
                        value=server.name
                        aria-describedby=hint_id("rename-name")
                    />
                </Field>
                <SubmitButton
                    pending=rename.pending()
                    label="Rename"
                    busy_label="Renaming…"
                    variant="secondary"
                />
            </ActionForm>
        </section>
    }
}

/// Hetzner's reverse DNS, per address; DigitalOcean's follows the droplet's
/// name, which the details say.
#[component]
pub fn ReverseDnsCard(overview: ServerOverview) -> impl IntoView {
    if overview.provider != model::Provider::Hetzner {
        return ().into_any();
    }
    let set = ServerAction::<SetReverseDns>::new();
    let server = overview.details.server;
    let current = overview.details.reverse_dns;
    let options = [server.ipv4.clone(), server.ipv6.clone()]
        .into_iter()
        .flatten()
        .map(|ip| {
            let now = current
                .iter()
                .find(|(address, _)| *address == ip)
                .map_or("Hetzner's default", |(_, name)| name.as_str())
                .to_string();
            view! { <option value=ip.clone()>{format!("{ip} (now {now})")}</option> }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="rdns-title">
            <h2 id="rdns-title">"Reverse DNS"</h2>
            <ActionForm action=set>
                <ErrorNotice error=form_error(set) />
                <input type="hidden" name="id" value=overview.connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <div class="form-grid">
                    <Field id="rdns-ip" label="Address">
                        <select id="rdns-ip" name="ip">
                            {options}
                        </select>
                    </Field>
                    <Field
                        id="rdns-name"
                        label="Name"
                        hint="A host name, e.g. mail.example.com. Empty puts back Hetzner's default."
                    >
                        <input
                            id="rdns-name"
                            name="name"
                            type="text"
                            maxlength="253"
                            aria-describedby=hint_id("rdns-name")
                        />
                    </Field>
                </div>
                <SubmitButton
                    pending=set.pending()
                    label="Set reverse DNS"
                    busy_label="Setting…"
                    variant="secondary"
                />
            </ActionForm>
        </section>
    }
        .into_any()
}

/// Delete and rebuild protection, one setting at Hetzner. Turning it off
/// takes a safety net away, so it asks again: the server's name and the
/// password. DigitalOcean has none, which the card says.
#[component]
pub fn ProtectionCard(overview: ServerOverview, refresh: RwSignal<u32>) -> impl IntoView {
    let set = ServerAction::<SetServerProtection>::new();
    // Changed: the page reads the server again (a plain post reloads it anyway).
    Effect::new(move |_| {
        if matches!(set.value().get(), Some(Ok(()))) {
            refresh.update(|n| *n += 1);
        }
    });
    let server = overview.details.server;
    let id = overview.connection_id;
    let body = if overview.provider != model::Provider::Hetzner {
        view! {
            <p class="muted">
                "DigitalOcean has no delete or rebuild protection for droplets: \
                    deleting one here always asks you to type its name first."
            </p>
        }
        .into_any()
    } else {
        let on = server.delete_protected;
        let (now, label, busy_label, variant) = if on {
            (
                "On: Hetzner refuses to delete or rebuild this server.",
                "Turn protection off",
                "Turning off…",
                "danger",
            )
        } else {
            (
                "Off: this server can be deleted or rebuilt.",
                "Turn protection on",
                "Turning on…",
                "secondary",
            )
        };
        let confirm = format!("Type {} to confirm", server.name);
        // Only taking the protection away asks again.
        let ask_again = on.then(|| {
            view! {
                <div class="form-grid">
                    <Field id="protection-name" label=confirm>
                        <input
                            id="protection-name"
                            name="name"
                            type="text"
                            required
                            autocomplete="off"
                        />
                    </Field>
                    <Field id="protection-password" label="Your password">
                        <input
                            id="protection-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            maxlength="256"
                        />
                    </Field>
                </div>
            }
        });
        view! {
            <p>{now}</p>
            <ActionForm action=set>
                <ErrorNotice error=form_error(set) />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <input type="hidden" name="on" value=(!on).to_string() />
                {ask_again}
                <SubmitButton pending=set.pending() label busy_label variant />
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="protection-title">
            <h2 id="protection-title">"Protection"</h2>
            {body}
        </section>
    }
}
