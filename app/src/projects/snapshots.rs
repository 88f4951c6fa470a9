//! A connection's snapshots (`/projects/:id/snapshots`): every snapshot of
//! its servers, and of servers since deleted, with where it came from, its
//! size, what it costs a month and why Potions took it; deleting one asks
//! again. The table and the delete form are shared with a server's page.

use leptos::prelude::*;
use leptos_router::components::A;
use model::provisioning::{Currency, Snapshot};

use super::server_fns::{list_snapshots, DeleteSnapshot};
use super::{connection_id_param, project_error};
use crate::components::SubmitButton;
use crate::components::{form_error, AskAgainFields, ErrorNotice, Field, Loaded, RequireUser};
use crate::format::format_optional_time;
use crate::paths;

#[component]
pub fn SnapshotsPage() -> impl IntoView {
    let id = connection_id_param();
    let delete = ServerAction::<DeleteSnapshot>::new();
    let list = Resource::new(
        move || (id.get(), delete.version().get()),
        |(id, _)| list_snapshots(id),
    );
    view! {
        <leptos_meta::Title text="Snapshots" />
        <RequireUser>
            <div class="page-head">
                <h1>"Snapshots"</h1>
                <A href=move || paths::project(&id.get()) attr:class="button button-secondary">
                    "Back to the project"
                </A>
            </div>
            <section class="card" aria-labelledby="all-snapshots-title">
                <h2 id="all-snapshots-title">"Every snapshot in this project"</h2>
                <Loaded
                    resource=list
                    loading="Loading snapshots…"
                    on_error=project_error
                    let:list
                >
                    {if list.snapshots.is_empty() {
                        view! { <p class="muted">"No snapshot in this project yet."</p> }.into_any()
                    } else {
                        view! {
                            <SnapshotTable
                                snapshots=list.snapshots.clone()
                                currency=list.currency
                                with_server=true
                            />
                            <DeleteSnapshotForm
                                connection_id=id.get_untracked()
                                server_id=None
                                snapshots=list.snapshots
                                ask=list.ask_again
                                delete
                            />
                        }
                            .into_any()
                    }}
                </Loaded>
            </section>
        </RequireUser>
    }
}

/// Snapshots as a table: name, (the server it came from,) size, monthly
/// cost, when taken and by whom.
#[component]
pub fn SnapshotTable(
    snapshots: Vec<Snapshot>,
    currency: Option<Currency>,
    #[prop(optional)] with_server: bool,
) -> impl IntoView {
    let rows = snapshots
        .into_iter()
        .map(|snapshot| {
            let size = match (snapshot.creating, snapshot.size_gb) {
                (true, _) => "Being made".to_string(),
                (false, Some(size)) => format!("{size:.2} GB"),
                (false, None) => "Unknown".to_string(),
            };
            let cost = currency.zip(snapshot.monthly_cost).map_or_else(
                || "—".to_string(),
                |(currency, cost)| currency.monthly(cost),
            );
            let by = snapshot
                .origin
                .as_ref()
                .map_or("Someone else", |o| o.words());
            let from = with_server.then(|| {
                view! { <td>{snapshot.from_server.unwrap_or_else(|| "—".into())}</td> }
            });
            view! {
                <tr data-testid="snapshot">
                    <th scope="row">{snapshot.name}</th>
                    {from}
                    <td>{size}</td>
                    <td>{cost}</td>
                    <td>{format_optional_time(snapshot.created_at)}</td>
                    <td>{by}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        {with_server.then(|| view! { <th scope="col">"Server"</th> })}
                        <th scope="col">"Size"</th>
                        <th scope="col">"A month"</th>
                        <th scope="col">"Taken"</th>
                        <th scope="col">"Taken by"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// "Delete a snapshot", folded: pick it, type its name, then the proof the
/// session is asked for. One form under the list, not one per row.
#[component]
pub fn DeleteSnapshotForm(
    connection_id: String,
    server_id: Option<i64>,
    snapshots: Vec<Snapshot>,
    ask: model::AskAgain,
    delete: ServerAction<DeleteSnapshot>,
) -> impl IntoView {
    let options = snapshots
        .iter()
        .map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> })
        .collect_view();
    view! {
        <details>
            <summary>"Delete a snapshot"</summary>
            <ActionForm action=delete>
                <ErrorNotice error=form_error(delete) />
                <input type="hidden" name="id" value=connection_id />
                {server_id
                    .map(|server_id| {
                        view! {
                            <input type="hidden" name="server_id" value=server_id.to_string() />
                        }
                    })}
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
}
