use leptos::prelude::*;

use crate::auth::RequireUser;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Dashboard" />
        <RequireUser>
            <h1>"Dashboard"</h1>
            <section class="card" aria-labelledby="providers-title">
                <h2 id="providers-title">"Providers"</h2>
                <p class="muted">"Cloud providers you connect appear here."</p>
            </section>
        </RequireUser>
    }
}
