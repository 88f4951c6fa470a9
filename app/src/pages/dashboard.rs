use leptos::prelude::*;

use crate::auth::RequireUser;
use crate::connections::ProvidersOverview;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Dashboard" />
        <RequireUser>
            <h1>"Dashboard"</h1>
            <ProvidersOverview />
        </RequireUser>
    }
}
