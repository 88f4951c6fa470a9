//! The actions on a server's page, each a plain form that works without
//! JavaScript: power, rename and reverse DNS.

use leptos::prelude::*;
use model::provisioning::PowerAction;

use super::server_fns::{PowerServer, RenameServer, SetReverseDns};
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
