//! The page for an address that matches no route.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::paths::DASHBOARD;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Page not found" />
        <section class="card empty-state">
            <h1>"Page not found"</h1>
            <p class="muted">
                "There is nothing at this address. It may have moved, or the link may be wrong."
            </p>
            <A href=DASHBOARD attr:class="button button-primary">
                "Go to the Dashboard"
            </A>
        </section>
    }
}
