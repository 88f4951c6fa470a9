//! The server's safety nets, each a plain form that works without
//! JavaScript: delete and rebuild protection, and the provider's backups
//! with what they cost. Taking one away asks again.

use leptos::prelude::*;

use super::refresh::refresh_when_done;
use super::server_fns::{SetServerBackups, SetServerProtection};
use super::ServerOverview;
use crate::components::AskAgainFields;
use crate::components::{form_error, ErrorNotice, SubmitButton};

/// Both providers charge this share of the server's price for backups
/// (DigitalOcean's weekly plan, the one Potions turns on).
const BACKUP_SHARE: f64 = 0.2;

/// Delete and rebuild protection, one setting at Hetzner. Turning it off
/// asks again. DigitalOcean has none, which the card says.
#[component]
pub fn ProtectionCard(overview: ServerOverview, refresh: RwSignal<u32>) -> impl IntoView {
    let set = ServerAction::<SetServerProtection>::new();
    refresh_when_done(set, refresh);
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
        // Only taking the protection away asks again.
        let ask_again = on.then(|| {
            view! {
                <AskAgainFields
                    form="protection"
                    server_name=server.name.clone()
                    ask=overview.ask_again
                />
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

/// The provider's automatic backups, with their price; turning them off
/// asks again (Hetzner deletes the backups there are at once).
#[component]
pub fn BackupsCard(overview: ServerOverview, refresh: RwSignal<u32>) -> impl IntoView {
    let set = ServerAction::<SetServerBackups>::new();
    refresh_when_done(set, refresh);
    let details = overview.details;
    let server = details.server;
    let on = details.backups;
    let cost = details.monthly_price.map_or_else(
        || "20 % of the server's price".to_string(),
        |price| {
            format!(
                "{} (20 % of the server's price)",
                details.currency.monthly(price * BACKUP_SHARE)
            )
        },
    );
    let (plan, when_off) = match overview.provider {
        model::Provider::Hetzner => (
            "daily, the last seven kept",
            "Turning them off deletes every backup Hetzner holds of this server, at once.",
        ),
        model::Provider::DigitalOcean => (
            "weekly, kept four weeks",
            "Turning them off stops DigitalOcean's backups of this droplet.",
        ),
    };
    let (now, label, busy_label, variant) = if on {
        (
            format!("On: {plan}, for {cost}. {when_off}"),
            "Turn backups off",
            "Turning off…",
            "danger",
        )
    } else {
        (
            format!("Off. On, they are {plan}, for {cost} more."),
            "Turn backups on",
            "Turning on…",
            "secondary",
        )
    };
    let ask_again = on.then(|| {
        view! { <AskAgainFields form="backups" server_name=server.name.clone() ask=overview.ask_again /> }
    });
    view! {
        <section class="card" aria-labelledby="backups-title">
            <h2 id="backups-title">"Backups"</h2>
            <p>{now}</p>
            <ActionForm action=set>
                <ErrorNotice error=form_error(set) />
                <input type="hidden" name="id" value=overview.connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <input type="hidden" name="on" value=(!on).to_string() />
                {ask_again}
                <SubmitButton pending=set.pending() label busy_label variant />
            </ActionForm>
        </section>
    }
}
