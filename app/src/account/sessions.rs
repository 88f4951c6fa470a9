//! Account → Sessions: every signed-in browser, with sign-out for any one
//! and for every other.

use leptos::prelude::*;

use super::server_fns::{list_sessions, EndOtherSessions, EndSession};
use super::SessionSummary;
use crate::components::RequireUser;
use crate::components::{form_error, AccountPageHead, ErrorNotice, Loaded, SubmitButton};
use crate::format::format_time;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end.version().get(), end_others.version().get()),
        |_| list_sessions(),
    );
    let end_error = form_error(end);
    let end_others_error = form_error(end_others);
    view! {
        <leptos_meta::Title text="Sessions" />
        <RequireUser>
            <AccountPageHead title="Sessions" />
            <section class="card" aria-labelledby="sessions-title">
                <h2 id="sessions-title">"Signed-in browsers"</h2>
                <p class="muted">
                    "Sign out any browser you don't recognise, then change your password."
                </p>
                <ErrorNotice error=end_error />
                <Loaded resource=sessions loading="Loading your sessions…" let:list>
                    <ul class="connection-list">
                        {list
                            .into_iter()
                            .map(|session| view! { <SessionItem session end /> })
                            .collect_view()}
                    </ul>
                </Loaded>
                <ActionForm action=end_others>
                    <ErrorNotice error=end_others_error />
                    <SubmitButton
                        pending=end_others.pending()
                        label="Sign out everywhere else"
                        busy_label="Signing out…"
                        variant="secondary"
                    />
                </ActionForm>
            </section>
        </RequireUser>
    }
}

#[component]
fn SessionItem(session: SessionSummary, end: ServerAction<EndSession>) -> impl IntoView {
    let browser = describe_user_agent(&session.user_agent);
    view! {
        <li class="connection" data-testid="session">
            <div class="connection-head">
                <h3 class="project-name">
                    {browser.clone()}
                    {session
                        .current
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-success">"This browser"</span>
                            }
                        })}
                </h3>
            </div>
            <dl class="details">
                <dt>"Address"</dt>
                <dd>{session.client_address.clone()}</dd>
                <dt>"Signed in"</dt>
                <dd>{format_time(session.signed_in_at)} " with " {session.factors.clone()}</dd>
                <dt>"Last seen"</dt>
                <dd>{format_time(session.last_seen_at)}</dd>
            </dl>
            {(!session.current)
                .then(|| {
                    view! {
                        <ActionForm action=end>
                            <input type="hidden" name="handle" value=session.handle.clone() />
                            <button
                                type="submit"
                                class="button button-danger-outline button-small"
                                aria-label=format!("Sign out {browser}")
                            >
                                "Sign out"
                            </button>
                        </ActionForm>
                    }
                })}
        </li>
    }
}

/// "Firefox on Linux" from a user agent; "Unknown browser" when it names none.
pub fn describe_user_agent(user_agent: &str) -> String {
    // Order matters: Edge and Chrome also say "Safari", Edge says "Chrome".
    let browsers = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    let systems = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| user_agent.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(&browsers), find(&systems)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.into(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "Unknown browser".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(describe_user_agent(chrome), "Chrome on Linux");
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe_user_agent(firefox), "Firefox on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_user_agent(safari), "Safari on iOS");
        assert_eq!(describe_user_agent(""), "Unknown browser");
    }
}
