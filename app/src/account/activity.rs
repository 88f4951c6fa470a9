//! Account → Activity: every entry of the user's activity log, newest
//! first, filtered by connection and area, a page at a time. The filters
//! are a plain GET form and the pages plain links: no JavaScript needed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::activity::server_fns::list_activity;
use crate::activity::ActivityList;
use crate::components::{AccountPageHead, Loaded};
use crate::components::{Field, RequireUser};
use crate::connections::server_fns::list_connections;
use crate::paths;

const AREAS: [(&str, &str); 4] = [
    ("", "Everything"),
    ("account", "Sign-ins and account"),
    ("connection", "Connections"),
    ("cloud", "Changes in your clouds"),
];

#[component]
pub fn AccountActivityPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = Resource::new(
        move || (param("connection"), param("area"), param("older")),
        |(connection, area, older)| list_activity(connection, area, older, None),
    );
    let connections = Resource::new(|| (), |_| list_connections());
    view! {
        <leptos_meta::Title text="Activity" />
        <RequireUser>
            <AccountPageHead title="Activity" />
            <section class="card" aria-labelledby="activity-title">
                <h2 id="activity-title">"What happened, newest first"</h2>
                <form method="get" action=paths::ACTIVITY class="form-grid">
                    <Field id="activity-area" label="Show">
                        <select id="activity-area" name="area">
                            {AREAS
                                .into_iter()
                                .map(|(value, text)| {
                                    let selected = param("area").unwrap_or_default() == value;
                                    view! {
                                        <option value=value selected=selected>
                                            {text}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </Field>
                    <Loaded resource=connections loading="Loading connections…" let:list>
                        <Field id="activity-connection" label="Connection">
                            <select id="activity-connection" name="connection">
                                <option value="">"All"</option>
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        let selected = param("connection").as_deref()
                                            == Some(c.id.as_str());
                                        view! {
                                            <option value=c.id selected=selected>
                                                {c.label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </Field>
                    </Loaded>
                    <div class="field">
                        <button type="submit" class="button button-secondary">
                            "Filter"
                        </button>
                    </div>
                </form>
                <Loaded resource=page loading="Loading activity…" let:page>
                    <ActivityList items=page.items />
                    {page
                        .older
                        .map(|older| {
                            let href = paths::activity(
                                param("connection").as_deref(),
                                param("area").as_deref(),
                                Some(&older),
                            );
                            view! {
                                <a href=href class="button button-secondary">
                                    "Older entries"
                                </a>
                            }
                        })}
                </Loaded>
            </section>
        </RequireUser>
    }
}
