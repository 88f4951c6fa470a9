//! A server's snapshots: the list (name, size, taken, whether and why
//! Potions took it), deleting one (asked again), and "Take a snapshot now", followed on
//! the page like any action.

use leptos::prelude::*;
use model::provisioning::Snapshot;

use super::server_fns::{DeleteSnapshot, TakeSnapshot};
use crate::components::{form_error, hint_id, ErrorNotice, Field, SubmitButton};
use crate::format::format_optional_time;
use crate::servers::ask_again::AskAgainFields;
use crate::servers::refresh::refresh_when_done;
use crate::servers::ServerOverview;

#[component]
pub fn SnapshotsCard(overview: ServerOverview, refresh: RwSignal<u32>) -> impl IntoView {
    let take = ServerAction::<TakeSnapshot>::new();
    let delete = ServerAction::<DeleteSnapshot>::new();
    refresh_when_done(delete, refresh);
    let server = overview.details.server;
    let (connection_id, ask) = (overview.connection_id.clone(), overview.ask_again);
    let delete_form = overview
        .snapshots
        .as_ref()
        .filter(|snapshots| !snapshots.is_empty())
        .map(|snapshots| {
            let options = snapshots
                .iter()
                .map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> })
                .collect_view();
            view! {
                <details>
                    <summary>"Delete a snapshot"</summary>
                    <ActionForm action=delete>
                        <ErrorNotice error=form_error(delete) />
                        <input type="hidden" name="id" value=connection_id.clone() />
                        <input type="hidden" name="server_id" value=server.id.to_string() />
                        <Field id="snapshot-delete-which" label="Snapshot to delete">
                            <select id="snapshot-delete-which" name="snapshot_id">
                                {options}
                            </select>
                        </Field>
                        <AskAgainFields
                            form="snapshot-delete"
                            server_name="the snapshot's name".to_string()
                            ask
                        />
                        <SubmitButton
                            pending=delete.pending()
                            label="Delete snapshot"
                            busy_label="Deleting…"
                            variant="danger"
                        />
                    </ActionForm>
                </details>
            }
        });
    let list = match overview.snapshots {
        None => view! { <p class="muted">"Potions couldn't read the snapshots just now."</p> }
            .into_any(),
        Some(snapshots) if snapshots.is_empty() => {
            view! { <p class="muted">"No snapshot of this server yet."</p> }.into_any()
        }
        Some(snapshots) => view! {
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Size"</th>
                            <th scope="col">"Taken"</th>
                            <th scope="col">"Taken by"</th>
                        </tr>
                    </thead>
                    <tbody>{snapshots.into_iter().map(snapshot_row).collect_view()}</tbody>
                </table>
            </div>
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
            {delete_form}
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

fn snapshot_row(snapshot: Snapshot) -> impl IntoView {
    let size = match (snapshot.creating, snapshot.size_gb) {
        (true, _) => "Being made".to_string(),
        (false, Some(size)) => format!("{size:.2} GB"),
        (false, None) => "Unknown".to_string(),
    };
    let by = snapshot
        .origin
        .as_ref()
        .map_or("Someone else", |o| o.words());
    view! {
        <tr data-testid="snapshot">
            <th scope="row">{snapshot.name}</th>
            <td>{size}</td>
            <td>{format_optional_time(snapshot.created_at)}</td>
            <td>{by}</td>
        </tr>
    }
}
