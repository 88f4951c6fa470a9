//! A server's snapshots: the list and deleting one (asked again), as the
//! project's Snapshots page shows them, and "Take a snapshot now", followed
//! on the page like any action.

use leptos::prelude::*;

use super::server_fns::TakeSnapshot;
use crate::components::{form_error, hint_id, ErrorNotice, Field, SubmitButton};
use crate::projects::server_fns::DeleteSnapshot;
use crate::projects::snapshots::{DeleteSnapshotForm, SnapshotTable};
use crate::servers::refresh::refresh_when_done;
use crate::servers::ServerOverview;

#[component]
pub fn SnapshotsCard(overview: ServerOverview, refresh: RwSignal<u32>) -> impl IntoView {
    let take = ServerAction::<TakeSnapshot>::new();
    let delete = ServerAction::<DeleteSnapshot>::new();
    refresh_when_done(delete, refresh);
    let server = overview.details.server;
    let (connection_id, ask) = (overview.connection_id.clone(), overview.ask_again);
    let list = match overview.snapshots {
        None => view! { <p class="muted">"Potions couldn't read the snapshots just now."</p> }
            .into_any(),
        Some(snapshots) if snapshots.is_empty() => {
            view! { <p class="muted">"No snapshot of this server yet."</p> }.into_any()
        }
        Some(snapshots) => view! {
            <SnapshotTable snapshots=snapshots.clone() currency=Some(overview.details.currency) />
            <DeleteSnapshotForm
                connection_id=connection_id
                server_id=Some(server.id.get())
                snapshots
                ask
                delete
            />
        }
        .into_any(),
    };
    let hint = format!(
        "Optional: {} and today's date when empty. The server keeps running; for a \
         consistent copy of a busy database, shut it down first.",
        server.name
    );
    view! {
        <section class="card" aria-labelledby="snapshots-title">
            <h2 id="snapshots-title">"Snapshots"</h2>
            {list}
            <ActionForm action=take>
                <ErrorNotice error=form_error(take) />
                <input type="hidden" name="id" value=overview.connection_id />
                <input type="hidden" name="server_id" value=server.id.to_string() />
                <Field id="snapshot-name" label="Name" optional=true hint=hint>
                    <input
                        id="snapshot-name"
                        name="name"
                        type="text"
                        maxlength=model::limits::SNAPSHOT_NAME_MAX.to_string()
                        aria-describedby=hint_id("snapshot-name")
                    />
                </Field>
                <SubmitButton
                    pending=take.pending()
                    label="Take a snapshot now"
                    busy_label="Sending…"
                    variant="secondary"
                />
            </ActionForm>
        </section>
    }
}
