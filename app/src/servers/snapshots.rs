//! A server's snapshots: the list (name, size, taken, whether Potions took
//! it) and "Take a snapshot now", followed on the page like any action.

use leptos::prelude::*;
use model::provisioning::Snapshot;

use super::ask_again::AskAgainFields;
use super::refresh::refresh_when_done;
use super::server_fns::{DeleteSnapshot, TakeSnapshot};
use super::ServerOverview;
use crate::components::{form_error, hint_id, ErrorNotice, Field, SubmitButton};
use crate::format::format_optional_time;

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
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Size"</th>
                            <th scope="col">"Taken"</th>
                            <th scope="col">"Taken by"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {snapshots
                            .into_iter()
                            .map(|snapshot| {
                                let row = SnapshotRow {
                                    connection_id: connection_id.clone(),
                                    server_id: server.id.get(),
                                    ask,
                                    delete,
                                };
                                row.view(snapshot)
                            })
                            .collect_view()}
                    </tbody>
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

/// What each row of the list needs to offer its Delete.
struct SnapshotRow {
    connection_id: String,
    server_id: i64,
    ask: model::AskAgain,
    delete: ServerAction<DeleteSnapshot>,
}

impl SnapshotRow {
    fn view(self, snapshot: Snapshot) -> impl IntoView {
        let size = match (snapshot.creating, snapshot.size_gb) {
            (true, _) => "Being made".to_string(),
            (false, Some(size)) => format!("{size:.2} GB"),
            (false, None) => "Unknown".to_string(),
        };
        let by = if snapshot.made_by_potions {
            "Potions"
        } else {
            "Someone else"
        };
        let delete = self.delete;
        view! {
            <tr data-testid="snapshot">
                <th scope="row">{snapshot.name.clone()}</th>
                <td>{size}</td>
                <td>{format_optional_time(snapshot.created_at)}</td>
                <td>{by}</td>
                <td>
                    <details>
                        <summary>
                            "Delete"
                            <span class="visually-hidden">{format!(" {}", snapshot.name)}</span>
                        </summary>
                        <ActionForm action=delete>
                            <ErrorNotice error=form_error(delete) />
                            <input type="hidden" name="id" value=self.connection_id />
                            <input
                                type="hidden"
                                name="server_id"
                                value=self.server_id.to_string()
                            />
                            <input type="hidden" name="snapshot_id" value=snapshot.id.to_string() />
                            <AskAgainFields
                                form=format!("snapshot-{}", snapshot.id)
                                server_name=snapshot.name
                                ask=self.ask
                            />
                            <SubmitButton
                                pending=delete.pending()
                                label="Delete snapshot"
                                busy_label="Deleting…"
                                variant="danger"
                            />
                        </ActionForm>
                    </details>
                </td>
            </tr>
        }
    }
}
