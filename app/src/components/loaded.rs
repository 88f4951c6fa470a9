//! One way to show data that is still loading or failed to load.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::{signed_in_or, ErrorNotice};
use crate::error::AppError;
use crate::session::use_auth;

/// Shows `loading` until `resource` has answered, then `children` with the
/// value, or the error (by default as an [`ErrorNotice`]; `on_error` chooses
/// another view). A refetch keeps the last content until the new one is in.
/// With `signed_in`, it also waits for the user, in the same boundary, and
/// sends a visitor to sign in.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    /// What the page says while it waits, e.g. "Loading keys…".
    #[prop(default = "Loading…")]
    loading: &'static str,
    /// Renders an error differently, e.g. a project that is not connected.
    #[prop(optional, into)]
    on_error: Option<Callback<AppError, AnyView>>,
    /// Only for a signed-in user (what [`RequireUser`](crate::components::RequireUser) does).
    #[prop(optional)]
    signed_in: bool,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = StoredValue::new(children);
    let user = signed_in.then(|| (use_auth().user, use_location()));
    view! {
        <Transition fallback=move || {
            view! {
                <p class="muted" role="status">
                    {loading}
                </p>
            }
        }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    if let Some((user, location)) = user {
                        if let Err(elsewhere) = signed_in_or(user.await, &location) {
                            return elsewhere;
                        }
                    }
                    let result = resource.await;
                    built_once_on_the_server().await;
                    match result {
                        Ok(value) => children.with_value(|render| render(value)).into_any(),
                        Err(err) => {
                            match on_error {
                                Some(on_error) => on_error.run(err),
                                None => view! { <ErrorNotice error=err /> }.into_any(),
                            }
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// On the server a boundary walks its content twice to find every resource
/// it must wait for, then renders it: pausing once here, after the data is
/// in, keeps those walks from building the whole view each time (leptos#4688).
/// The browser builds the view once anyway.
pub async fn built_once_on_the_server() {
    #[cfg(feature = "ssr")]
    tokio::task::yield_now().await;
}
