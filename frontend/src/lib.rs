//! The browser entry point: hydrates the server-rendered page into the
//! reactive app. Everything else lives in the `app` crate.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in the console cost bytes: debug builds only.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Waits for the current page's lazy chunk, then hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
