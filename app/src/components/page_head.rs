//! The heading of a page under Account, with the way back to it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::paths;

#[component]
pub fn AccountPageHead(title: &'static str) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <A href=paths::ACCOUNT attr:class="button button-secondary">
                "Back to Account"
            </A>
        </div>
    }
}
