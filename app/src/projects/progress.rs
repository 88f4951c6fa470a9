//! Following a new server's create and start actions until it runs.

use leptos::prelude::*;

use super::server_fns::read_provisioning_progress;
use crate::components::ErrorNotice;
use crate::error::AppError;
use crate::providers::Provider;
use model::provisioning::Progress;

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

/// Follows the actions until the server runs; they live in the URL, so a
/// reload keeps following. `refresh` is bumped once it is done.
#[component]
pub fn CreationProgress(
    connection_id: String,
    provider: Provider,
    actions: String,
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
    view! {
        <section class="card" aria-labelledby="progress-title">
            <h2 id="progress-title">"Creating your server"</h2>
            {move || match progress.get() {
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
                            {format!("{} could not create the server: {reason}", provider.name())}
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
                                (true, _) => "The server is running.".to_string(),
                                (false, Some(percent)) => {
                                    format!(
                                        "{percent}% — the server is being created and started.",
                                    )
                                }
                                (false, None) => "The server is being created and started.".into(),
                            }}
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
