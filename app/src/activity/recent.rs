//! "What Potions did here": the latest changes Potions made in one
//! connection's cloud, on its project page, or to one server, on its page.

use leptos::prelude::*;

use super::server_fns::list_activity;
use super::{ActivityList, ActivityPage};
use crate::components::Loaded;
use crate::error::AppError;
use crate::paths;

/// The page's latest cloud changes. Made at the top of the page, like every
/// resource: one made inside another's Suspense would not hydrate.
/// `refresh` is bumped when a creation the page follows is done.
pub fn recent_changes(
    connection_id: Memo<String>,
    refresh: RwSignal<u32>,
) -> Resource<Result<ActivityPage, AppError>> {
    Resource::new(
        move || (connection_id.get(), refresh.get()),
        |(id, _)| list_activity(Some(id), Some("cloud".into()), None, None),
    )
}

/// The latest changes Potions made to one server of a connection.
pub fn server_changes(
    connection_id: Memo<String>,
    server_id: Memo<String>,
    refresh: RwSignal<u32>,
) -> Resource<Result<ActivityPage, AppError>> {
    Resource::new(
        move || (connection_id.get(), server_id.get(), refresh.get()),
        |(id, server, _)| list_activity(Some(id), Some("cloud".into()), None, Some(server)),
    )
}

#[component]
pub fn WhatPotionsDidHere(
    connection_id: String,
    page: Resource<Result<ActivityPage, AppError>>,
) -> impl IntoView {
    let everything = paths::activity(Some(&connection_id), None, None);
    view! {
        <section class="card" aria-labelledby="did-here-title">
            <h2 id="did-here-title">"What Potions did here"</h2>
            <Loaded resource=page loading="Loading…" let:page>
                <ActivityList items=page.items />
            </Loaded>
            <p>
                <a href=everything>"Everything about this connection"</a>
            </p>
        </section>
    }
}
