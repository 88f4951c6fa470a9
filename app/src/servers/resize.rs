//! Changing a server's type (Hetzner) or size (DigitalOcean): only those
//! sold where it is, whose disk holds its disk, each with the price
//! difference; the disk kept unless the user grows it (permanent). The
//! server must be off: while it runs, the card offers to shut it down first.

use leptos::prelude::*;
use model::provisioning::{Currency, PowerAction, Size};

use super::server_fns::{PowerServer, ResizeServer};
use super::ServerOverview;
use crate::components::{form_error, hint_id, ErrorNotice, Field, SnapshotFirst, SubmitButton};
use crate::projects::create_server::type_option_text;

/// E.g. `+€3.00/month`, `−€1.20/month`, `same price`.
fn difference(now: Option<f64>, then: Option<f64>, currency: Currency) -> String {
    match (now, then) {
        (Some(now), Some(then)) if (then - now).abs() < 0.005 => "same price".into(),
        (Some(now), Some(then)) if then > now => format!("+{}", currency.monthly(then - now)),
        (Some(now), Some(then)) => format!("−{}", currency.monthly(now - then)),
        _ => "price difference unknown".into(),
    }
}

#[component]
pub fn ResizeCard(overview: ServerOverview) -> impl IntoView {
    let resize = ServerAction::<ResizeServer>::new();
    let shut_down = ServerAction::<PowerServer>::new();
    let ServerOverview {
        connection_id,
        provider,
        details,
        resize_choices,
        ..
    } = overview;
    let server = details.server;
    let size_noun = provider.size_noun();
    let current_price = details.monthly_price;
    let currency = details.currency;
    let location = server.location.clone();
    let option = move |size: &Size| {
        let then = size.price_in(&location);
        let text = type_option_text(size, &location, currency);
        let difference = difference(current_price, then, currency);
        view! { <option value=size.name.clone()>{format!("{text} ({difference})")}</option> }
    };
    let body = if server.status == "off" && resize_choices.is_empty() {
        view! {
            <p class="muted">
                {format!(
                    "No other {} is sold in {} that holds this server's {} GB disk.",
                    size_noun,
                    server.location,
                    details.disk_gb,
                )}
            </p>
        }
        .into_any()
    } else if server.status == "off" {
        let disk_hint = format!(
            "Keeping the disk ({} GB) lets you change back to a smaller {} later. Growing it \
             cannot be undone.",
            details.disk_gb, size_noun,
        );
        view! {
            <ActionForm action=resize>
                <ErrorNotice error=form_error(resize) />
                <input type="hidden" name="id" value=connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <Field
                    id="resize-size"
                    label=format!("New {size_noun}")
                    hint=format!("Now {}; {}.", server.size, currency.note())
                >
                    <select id="resize-size" name="size" aria-describedby=hint_id("resize-size")>
                        {resize_choices.iter().map(option).collect_view()}
                    </select>
                </Field>
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id="resize-disk"
                        name="grow_disk"
                        value="true"
                        aria-describedby=hint_id("resize-disk")
                    />
                    <label for="resize-disk">"Grow the disk too"</label>
                </div>
                <p id=hint_id("resize-disk") class="hint">
                    {disk_hint}
                </p>
                <SnapshotFirst form="resize" step="the resize" />
                <SubmitButton pending=resize.pending() label="Resize" busy_label="Resizing…" />
            </ActionForm>
        }
        .into_any()
    } else if PowerAction::ShutDown.allowed_when(&server.status) {
        view! {
            <p>"The server must be off to change its " {size_noun} "."</p>
            <ActionForm action=shut_down>
                <ErrorNotice error=form_error(shut_down) />
                <input type="hidden" name="id" value=connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <input type="hidden" name="action" value=PowerAction::ShutDown.param() />
                <SubmitButton
                    pending=shut_down.pending()
                    label="Shut down first"
                    busy_label="Sending…"
                    variant="secondary"
                />
                <p class="hint">
                    "Asks the operating system to shut down; the form to resize comes once it is off."
                </p>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="muted">
                {format!("Resizing needs the server off; it is {} now.", server.status)}
            </p>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="resize-title">
            <h2 id="resize-title">"Resize"</h2>
            {body}
        </section>
    }
}
