//! "What Potions did here": the latest changes Potions made in one
//! connection's cloud, on its project page.

use leptos::prelude::*;

use super::server_fns::list_activity;
use super::ActivityList;
use crate::components::Loaded;
use crate::paths;

#[component]
pub fn WhatPotionsDidHere(connection_id: String) -> impl IntoView {
    let id = connection_id.clone();
    let page = Resource::new(
        move || id.clone(),
        |id| list_activity(Some(id), Some("cloud".into()), None),
    );
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
