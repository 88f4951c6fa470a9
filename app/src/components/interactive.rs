//! Whether the page has hydrated: what needs JavaScript (a passkey
//! ceremony, say) stays disabled until then.

use leptos::prelude::*;

/// True once the page is interactive. Effects run only in the browser, after
/// hydration, so the server and the first paint say false.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
