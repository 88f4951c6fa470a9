//! Following a provider's actions until they end: a new server's create and
//! start, or a power action on one.

use leptos::prelude::*;

use super::server_fns::read_provisioning_progress;
use crate::components::ErrorNotice;
use crate::error::AppError;
use crate::providers::Provider;
use model::provisioning::Progress;

/// The followed actions' progress as read while the server renders the page:
/// what a browser without JavaScript sees, its page reloading itself until
/// they end. Made at the top of the page, like every resource.
pub type ProgressNow = Resource<Option<Result<Progress, AppError>>>;

pub fn progress_now(
    connection_id: Memo<String>,
    actions: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> ProgressNow {
    Resource::new(
        move || (connection_id.get(), actions()),
        |(id, actions)| async move {
            match actions {
                Some(actions) => Some(read_provisioning_progress(id, actions).await),
                None => None,
            }
        },
    )
}

/// The state of following a creation, kept by the page across re-renders.
#[derive(Clone, Copy, Default)]
pub struct Following {
    progress: RwSignal<Option<Result<Progress, AppError>>>,
    /// The actions being followed (from the URL), once polling started.
    started: RwSignal<Option<String>>,
}

/// Waits a second between polls (browser only; effects never run on the server).
async fn pause_one_second() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(1_000).await;
}

/// What a followed job is called, in the panel.
#[derive(Clone, Copy)]
pub struct Job {
    /// The panel's heading, e.g. "Creating your server".
    pub title: &'static str,
    /// While it runs, e.g. "the server is being created and started".
    pub underway: &'static str,
    /// Once done, e.g. "The server is running.".
    pub done: &'static str,
    /// After "could not", e.g. "create the server".
    pub failed_to: &'static str,
}

/// Follows the actions until they end; they live in the URL, so a reload
/// keeps following. `refresh` is bumped once they are done.
#[component]
pub fn ActionProgress(
    connection_id: String,
    provider: Provider,
    actions: String,
    job: Job,
    now: ProgressNow,
    refresh: RwSignal<u32>,
    follow: Following,
) -> impl IntoView {
    let Following { progress, started } = follow;
    Effect::new(move |_| {
        // The page re-renders this panel when the server list refreshes:
        // poll once per page, not once per render.
        if started.get_untracked().as_deref() == Some(actions.as_str()) {
            return;
        }
        started.set(Some(actions.clone()));
        progress.set(None);
        let (id, actions) = (connection_id.clone(), actions.clone());
        leptos::task::spawn_local(async move {
            // Bounded: about ten minutes at one poll a second.
            for _ in 0..600 {
                let result = read_provisioning_progress(id.clone(), actions.clone()).await;
                let finished =
                    matches!(&result, Ok(p) if p.done || p.failed.is_some()) || result.is_err();
                progress.set(Some(result));
                if finished {
                    refresh.update(|n| *n += 1);
                    break;
                }
                pause_one_second().await;
            }
        });
    });
    let waiting = format!("Waiting for {}…", provider.name());
    view! {
        <section class="card" aria-labelledby="progress-title">
            <h2 id="progress-title">{job.title}</h2>
            // Awaited here, so the page rendered on the server (all a browser
            // without JavaScript gets) says where the actions are.
            <Suspense fallback=move || {
                view! {
                    <p class="muted" role="status">
                        {waiting.clone()}
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    let initial = now.await;
                    let seen = Signal::derive(move || progress.get().or_else(|| initial.clone()));
                    view! { <ProgressLines seen provider job /> }
                })}
            </Suspense>
        </section>
    }
}

/// Where the followed actions are, as last seen; while they run, a browser
/// without JavaScript reloads the page to see more.
#[component]
fn ProgressLines(
    seen: Signal<Option<Result<Progress, AppError>>>,
    provider: Provider,
    job: Job,
) -> impl IntoView {
    view! {
        {move || {
            let ended = |p: &Result<Progress, AppError>| {
                matches!(p, Ok(p) if p.done || p.failed.is_some()) || p.is_err()
            };
            let seen = seen.get();
            (!seen.as_ref().is_some_and(ended))
                .then(|| {
                    view! {
                        <noscript>
                            <meta http-equiv="refresh" content="2" />
                        </noscript>
                    }
                })
        }}
        {move || match seen.get() {
            None => {
                view! {
                    <p class="muted" role="status">
                        {format!("Waiting for {}…", provider.name())}
                    </p>
                }
                    .into_any()
            }
            Some(Err(err)) => view! { <ErrorNotice error=err /> }.into_any(),
            Some(Ok(Progress { failed: Some(reason), .. })) => {
                view! {
                    <p class="notice notice-error" role="alert">
                        {format!("{} could not {}: {reason}", provider.name(), job.failed_to)}
                    </p>
                }
                    .into_any()
            }
            Some(Ok(p)) => {
                view! {
                    // Without a percentage the bar is indeterminate.
                    <progress max="100" value=p.percent aria-labelledby="progress-title" />
                    <p role="status">
                        {match (p.done, p.percent) {
                            (true, _) => job.done.to_string(),
                            (false, Some(percent)) => format!("{percent}% — {}.", job.underway),
                            (false, None) => capitalised(job.underway),
                        }}
                    </p>
                }
                    .into_any()
            }
        }}
    }
}

/// `underway` as a sentence of its own.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| format!("{}{}.", first.to_ascii_uppercase(), chars.as_str()))
        .unwrap_or_default()
}
