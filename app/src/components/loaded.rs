//! One way to show data that is still loading or failed to load.

use leptos::prelude::*;

use crate::components::ErrorNotice;
use crate::error::AppError;

/// Shows `loading` until `resource` has answered, then `children` with the
/// value, or the error (by default as an [`ErrorNotice`]; `on_error` chooses
/// another view). A refetch keeps the last content until the new one is in.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    /// What the page says while it waits, e.g. "Loading keys…".
    #[prop(default = "Loading…")]
    loading: &'static str,
    /// Renders an error differently, e.g. a project that is not connected.
    #[prop(optional, into)]
    on_error: Option<Callback<AppError, AnyView>>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=move || {
            view! {
                <p class="muted" role="status">
                    {loading}
                </p>
            }
        }>
            {move || {
                resource
                    .get()
                    .map(|result| match result {
                        Ok(value) => children.with_value(|render| render(value)).into_any(),
                        Err(err) => {
                            match on_error {
                                Some(on_error) => on_error.run(err),
                                None => view! { <ErrorNotice error=err /> }.into_any(),
                            }
                        }
                    })
            }}
        </Transition>
    }
}
