use leptos::prelude::*;

use crate::auth::{use_auth, RequireUser, SignOutButton};
use crate::connections::{AccountConnections, AccountProviders};

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let connections = AccountConnections::load();
    let email = move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .map(|u| u.email)
            .unwrap_or_default()
    };
    view! {
        <leptos_meta::Title text="Account" />
        <RequireUser>
            <h1>"Account"</h1>
            <section class="card" aria-labelledby="profile-title">
                <h2 id="profile-title">"Profile"</h2>
                <dl class="details">
                    <dt>"Email"</dt>
                    <dd data-testid="account-email">{email}</dd>
                </dl>
                <SignOutButton />
            </section>
            <AccountProviders state=connections />
        </RequireUser>
    }
}
