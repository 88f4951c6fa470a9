//! A value (an address, a fingerprint) that never breaks across lines and
//! copies in one click.

use leptos::prelude::*;

/// The value is selected whole by one click (works without JavaScript); once
/// the page is interactive a Copy button puts it on the clipboard.
#[component]
pub fn Copyable(
    value: String,
    /// Names the value for screen readers, e.g. "IPv4 address of web-1".
    #[prop(into)]
    what: String,
) -> impl IntoView {
    view! {
        <span class="copyable">
            <code class="copyable-value">{value.clone()}</code>
            <CopyButton text=value what />
        </span>
    }
}

/// A button that puts `text` on the clipboard and says so.
#[component]
pub fn CopyButton(
    text: String,
    /// Names what is copied for screen readers.
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        copy_to_clipboard(&text);
        copied.set(true);
    };
    view! {
        <button type="button" class="copy-button" aria-label=format!("Copy {what}") on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
