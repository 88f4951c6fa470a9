//! The small design system's building blocks.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::error::AppError;

/// The latest error of a form's action. After a post without JavaScript the
/// server redirects back with the error in the URL (`__path`, `__err`).
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
{
    use leptos::server_fn::error::ServerFnUrlError;
    let query = use_query_map();
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => query.with(|q| {
            let from_this_form = q.get_str("__path") == Some(S::PATH);
            q.get_str("__err")
                .filter(|_| from_this_form)
                .map(ServerFnUrlError::<AppError>::decode_err)
        }),
    })
}

/// UNIX seconds as `28 Nov 2026, 05:13 UTC`, the same on server and browser.
pub fn format_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let month_name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("?");
    format!(
        "{day} {month_name} {year}, {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// An error message that assistive technology announces when it appears.
#[component]
pub fn ErrorNotice(#[prop(into)] error: MaybeProp<AppError>) -> impl IntoView {
    view! {
        <div role="alert" class="notice-slot">
            {move || error.get().map(|err| view! { <p class="notice notice-error">{err.message()}</p> })}
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
) -> impl IntoView {
    view! {
        <button type="submit" class=format!("button button-{variant}") disabled=pending aria-busy=move || pending.get().to_string()>
            {move || if pending.get() {
                view! { <span class="spinner" aria-hidden="true"></span> {busy_label} }.into_any()
            } else {
                label.into_any()
            }}
        </button>
    }
}

/// The top navigation: product name, Dashboard, and the user's avatar.
#[component]
pub fn TopNav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="topnav">
            <nav aria-label="Main" class="topnav-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"⚗"</span>
                    "Potions"
                </A>
                <Transition fallback=|| ()>
                    {move || auth.user.get().map(|user| match user {
                        Ok(Some(user)) => {
                            let label = format!("Account ({})", user.email);
                            let initials = user.initials();
                            view! {
                            <A href="/" attr:class="nav-link">"Dashboard"</A>
                            <A href="/account" attr:class="avatar" attr:aria-label=label attr:title=user.email>
                                <span aria-hidden="true">{initials}</span>
                            </A>
                            }.into_any()
                        }
                        _ => view! {
                            <A href="/login" attr:class="nav-link">"Sign in"</A>
                            <A href="/signup" attr:class="button button-primary button-small">"Sign up"</A>
                        }.into_any(),
                    })}
                </Transition>
            </nav>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times_as_utc_dates() {
        assert_eq!(format_time(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(format_time(1_795_842_778), "28 Nov 2026, 05:12 UTC");
        assert_eq!(format_time(951_825_600), "29 Feb 2000, 12:00 UTC");
    }
}
