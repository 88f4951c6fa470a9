use leptos::prelude::*;

use crate::auth::RequireUser;
use crate::connections::{list_connections, ProvidersOverview};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let projects = Resource::new(|| (), |_| list_connections(true));
    view! {
        <leptos_meta::Title text="Dashboard" />
        <RequireUser>
            <h1>"Dashboard"</h1>
            <ProvidersOverview projects />
        </RequireUser>
    }
}
