//! DigitalOcean: a team connected by OAuth. The connect page starts the
//! flow; DigitalOcean sends the browser back to the callback.

#[cfg(feature = "ssr")]
pub mod callback;
pub mod connect;
pub mod server_fns;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::{AppError, Refusal};
use crate::paths::ACCOUNT;

pub const CONNECT_PATH: &str = "/connect/digitalocean";
/// Registered with DigitalOcean as the app's redirect URI (after the public URL).
pub const CALLBACK_PATH: &str = "/connect/digitalocean/callback";
/// Where users revoke Potions at DigitalOcean by hand.
pub const REVOKE_HINT: &str =
    "DigitalOcean's control panel: Settings → Applications & API → Authorized applications";

/// What Potions asks DigitalOcean for, in plain words, with the scopes.
pub const PERMISSIONS: [(&str, &str); 8] = [
    ("Read your account's email and status", "account:read"),
    (
        "Create, see and delete Droplets",
        "droplet:create droplet:read droplet:delete",
    ),
    (
        "Power, resize, rebuild and snapshot Droplets, and turn their backups on or off",
        "droplet:update",
    ),
    (
        "See and delete snapshots of Droplets",
        "snapshot:read snapshot:delete image:delete",
    ),
    (
        "Add, see and delete SSH keys",
        "ssh_key:create ssh_key:read ssh_key:delete",
    ),
    (
        "See regions, sizes and images",
        "regions:read sizes:read image:read",
    ),
    ("Follow the progress of what it started", "actions:read"),
    ("Tag what it creates", "tag:create tag:read"),
];

/// The callback's outcome, as a fixed word in the connect page's URL: no
/// free text, so a forged link can only show one of these messages. Errors
/// with fields are matched by kind and stand for the value listed.
const OUTCOMES: [(&str, AppError); 13] = [
    ("denied", AppError(Refusal::OAuthDenied)),
    ("expired", AppError(Refusal::OAuthStateInvalid)),
    ("refused", AppError(Refusal::OAuthCodeRefused)),
    ("rejected", AppError(Refusal::DigitalOceanAccessLost)),
    (
        "permission",
        AppError(Refusal::DigitalOceanMissingPermission),
    ),
    ("locked", AppError(Refusal::DigitalOceanAccountLocked)),
    (
        "unverified",
        AppError(Refusal::DigitalOceanEmailNotVerified),
    ),
    ("unreachable", AppError(Refusal::DigitalOceanUnreachable)),
    (
        "rate-limited",
        AppError(Refusal::DigitalOceanRateLimited(60)),
    ),
    (
        "other-team",
        AppError(Refusal::ReconnectOtherTeam(String::new())),
    ),
    (
        "misconfigured",
        AppError(Refusal::DigitalOceanMisconfigured),
    ),
    ("not-set-up", AppError(Refusal::DigitalOceanNotSetUp)),
    ("internal", AppError(Refusal::Internal)),
];

/// The word for an outcome of the callback (`internal` for anything else).
pub fn outcome_word(err: &AppError) -> &'static str {
    let kind = std::mem::discriminant(&err.0);
    OUTCOMES
        .iter()
        .find(|(_, e)| std::mem::discriminant(&e.0) == kind)
        .map_or("internal", |(word, _)| word)
}

/// The error an outcome word in the URL stands for.
pub fn outcome_error(word: &str) -> Option<AppError> {
    OUTCOMES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, e)| e.clone())
}

#[component]
pub fn AccessLostAdvice() -> impl IntoView {
    view! {
        <p class="hint">
            "DigitalOcean no longer accepts Potions' access to this team: it may have been \
                revoked in DigitalOcean's control panel. Reconnect from the project page, or \
                Re-check on " <A href=ACCOUNT>"Account"</A> "."
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_word_stands_for_its_error() {
        for (word, err) in OUTCOMES {
            assert_eq!(outcome_word(&err), word);
            assert_eq!(outcome_error(word), Some(err));
        }
        let team = AppError(Refusal::ReconnectOtherTeam(
            "Send tokens to evil.example".into(),
        ));
        assert_eq!(outcome_word(&team), "other-team");
        assert!(!outcome_error("other-team")
            .map(|e| e.message())
            .unwrap_or_default()
            .contains("evil"));
        assert_eq!(outcome_error("<script>"), None);
        assert_eq!(outcome_word(&AppError(Refusal::InvalidEmail)), "internal");
    }

    /// The connect page names, in plain words, every scope Potions asks for.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_page_lists_every_scope_asked_for() {
        let mut listed: Vec<&str> = PERMISSIONS
            .iter()
            .flat_map(|(_, scopes)| scopes.split(' '))
            .collect();
        let mut asked = domain::providers::digitalocean::SCOPES.to_vec();
        listed.sort_unstable();
        asked.sort_unstable();
        assert_eq!(listed, asked);
    }
}
