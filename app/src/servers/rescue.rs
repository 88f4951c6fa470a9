//! Hetzner's rescue system: a Linux booted from memory, with the user's
//! Potions key, to repair a server that no longer starts or to reach its
//! disk. DigitalOcean has none through its API, which the card says.

use leptos::prelude::*;

use super::server_fns::SetRescue;
use super::ServerOverview;
use crate::components::{form_error, ErrorNotice, SubmitButton};

#[component]
pub fn RescueCard(overview: ServerOverview, rescue: ServerAction<SetRescue>) -> impl IntoView {
    let server = overview.details.server;
    let ready = matches!(server.status.as_str(), "running" | "off");
    let body = match overview.details.rescue {
        None => view! {
            <p class="muted">
                "DigitalOcean has no rescue system through its API: use the Recovery Console in \
                 DigitalOcean's control panel."
            </p>
        }
        .into_any(),
        Some(false) if !ready => view! {
            <p class="muted">
                {format!(
                    "The rescue system can start once the server is running or off; it is {} now.",
                    server.status,
                )}
            </p>
        }
        .into_any(),
        Some(on) => {
            let (now, label, busy_label, variant) = if on {
                (
                    "On: the server boots the rescue system at its next start. Turn it off to boot \
                     from its disk again, then restart the server.",
                    "Turn rescue off",
                    "Turning off…",
                    "secondary",
                )
            } else {
                (
                    "Boots a Linux from memory, with your Potions key, to repair a server that no \
                     longer starts or to reach its disk (left as it is). The server restarts into \
                     it at once (or starts, if off).",
                    "Boot into rescue",
                    "Sending…",
                    "danger-outline",
                )
            };
            view! {
                <p>{now}</p>
                <ActionForm action=rescue>
                    <ErrorNotice error=form_error(rescue) />
                    <input type="hidden" name="id" value=overview.connection_id />
                    <input type="hidden" name="server_id" value=server.id.to_string() />
                    <input type="hidden" name="on" value=(!on).to_string() />
                    <SubmitButton pending=rescue.pending() label busy_label variant />
                </ActionForm>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="rescue-title">
            <h2 id="rescue-title">"Rescue system"</h2>
            {body}
        </section>
    }
}
