//! Reading the server again after a change its page made.

use leptos::prelude::*;

/// Reads the server again once `action` succeeded (a plain post reloads
/// the page anyway).
pub(super) fn refresh_when_done<S>(action: ServerAction<S>, refresh: RwSignal<u32>)
where
    S: leptos::server_fn::ServerFn<Output = ()> + Send + Sync + Clone + 'static,
    S::Error: Send + Sync + Clone + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            refresh.update(|n| *n += 1);
        }
    });
}
