//! Forms: a labelled field, the error a form shows and the button that
//! submits it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The latest error of a form's action. After a post without JavaScript the
/// server redirects back with the error in the URL (`__path`, `__err`); that
/// one is shown without the words it carries, which a link could forge.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
{
    use leptos::server_fn::error::ServerFnUrlError;
    let query = use_query_map();
    Signal::derive(move || {
        // Before any submission on this page (version 0) an error can only
        // have come from the URL, where the router restored it.
        let answered_here = action.version().get() > 0;
        match action.value().get() {
            Some(Err(err)) if answered_here => Some(err),
            Some(result) => result.err().map(AppError::without_free_text),
            None => query.with(|q| {
                let from_this_form = q.get_str("__path") == Some(S::PATH);
                q.get_str("__err")
                    .filter(|_| from_this_form)
                    .map(ServerFnUrlError::<AppError>::decode_err)
                    .map(AppError::without_free_text)
            }),
        }
    })
}

/// An error message that assistive technology announces when it appears.
#[component]
pub fn ErrorNotice(#[prop(into)] error: MaybeProp<AppError>) -> impl IntoView {
    view! {
        <div role="alert" class="notice-slot">
            {move || {
                error.get().map(|err| view! { <p class="notice notice-error">{err.message()}</p> })
            }}
        </div>
    }
}

/// A submit button that says it is working while its action is pending.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(default = "primary")] variant: &'static str,
    /// Disabled without being busy, e.g. until the page is interactive.
    #[prop(optional, into)]
    unavailable: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=format!("button button-{variant}")
            disabled=move || pending.get() || unavailable.get()
            aria-busy=move || pending.get().to_string()
        >
            {move || {
                if pending.get() {
                    view! {
                        <span class="spinner" aria-hidden="true" />
                        {busy_label}
                    }
                        .into_any()
                } else {
                    label.into_any()
                }
            }}
        </button>
    }
}

/// The id of a field's hint, for the control's `aria-describedby`.
pub fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

/// One labelled control: the label, the control itself (`children`, whose
/// id is `id`), and an optional hint below it. A control with a hint says
/// `aria-describedby=hint_id(id)`, so screen readers read it too.
#[component]
pub fn Field(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// Marks the label "(optional)".
    #[prop(optional)]
    optional: bool,
    #[prop(optional, into)] hint: MaybeProp<String>,
    children: Children,
) -> impl IntoView {
    let hint_id = hint_id(&id);
    let hint = move || {
        let text = hint.get()?;
        Some(view! {
            <p id=hint_id.clone() class="hint">
                {text}
            </p>
        })
    };
    view! {
        <div class="field">
            <label for=id>
                {label}
                {optional
                    .then(|| {
                        view! {
                            " "
                            <span class="muted">"(optional)"</span>
                        }
                    })}
            </label>
            {children()}
            {hint}
        </div>
    }
}
