//! The guard that shows a page only to a signed-in user and sends anyone
//! else to sign in, coming back here afterwards.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use leptos_router::location::Location;

use crate::components::{built_once_on_the_server, ErrorNotice};
use crate::error::AppError;
use crate::paths::{with_next, SIGN_IN};
use crate::session::{use_auth, SignedInUser};

/// Renders `children` for a signed-in user; sends anyone else to sign in,
/// remembering where they were going. A page whose content is one
/// [`Loaded`](crate::components::Loaded) uses its `signed_in` instead: one
/// boundary renders faster on the server than two nested ones.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading…"
                </p>
            }
        }>
            {move || {
                let location = location.clone();
                Suspend::new(async move {
                    let user = auth.user.await;
                    built_once_on_the_server().await;
                    match signed_in_or(user, &location) {
                        Ok(()) => children.read_value()().into_any(),
                        Err(elsewhere) => elsewhere,
                    }
                })
            }}
        </Suspense>
    }
}

/// Nothing for a signed-in user; otherwise what to show instead: the way to
/// sign in (coming back here afterwards), or why the user is not known.
pub fn signed_in_or(
    user: Result<Option<SignedInUser>, AppError>,
    location: &Location,
) -> Result<(), AnyView> {
    match user {
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            let target = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let path = with_next(SIGN_IN, &target);
            Err(view! { <Redirect path /> }.into_any())
        }
        Err(err) => Err(view! { <ErrorNotice error=err /> }.into_any()),
    }
}
