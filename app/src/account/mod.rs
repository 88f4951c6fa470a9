//! The signed-in user's own pages, everything under `/account`: the
//! Account page with its connections (`overview.rs`), Disconnect, Sessions,
//! Activity and Security (two-factor sign-in, passkeys, recovery codes).
//! Their server functions are in `server_fns.rs`, but for the connections'
//! and the activity log's, which other pages share (`connections/`,
//! `activity/`).

pub mod activity;
pub mod disconnect;
pub mod overview;
mod passkeys;
mod recovery_codes;
pub mod security;
pub mod server_fns;
pub mod sessions;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::{ErrorNotice, Field, SubmitButton};
use crate::error::AppError;

/// A signed-in browser, as Account → Sessions shows it: never its cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names the session to end it; cannot be turned into a cookie.
    pub handle: String,
    pub user_agent: String,
    pub client_address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    pub factors: String,
    /// The browser looking at the page.
    pub current: bool,
}

/// Where the user's authenticator stands, as the page shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpView {
    Off,
    /// The secret to scan (an SVG QR code) or type in, until a code confirms it.
    Enrolling {
        secret: String,
        qr_svg: String,
    },
    On,
}

/// Never prints the enrolment secret (nor its QR code, which holds it).
impl std::fmt::Debug for TotpView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Off => "Off",
            Self::Enrolling { .. } => "Enrolling { secret: <redacted> }",
            Self::On => "On",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub totp: TotpView,
    pub passkeys: Vec<PasskeySummary>,
    /// Where passkeys work; `None` where this instance cannot offer them.
    pub passkey_origin: Option<String>,
    pub recovery_codes_left: i64,
    /// New codes not shown yet (after a form posted without JavaScript).
    pub fresh_recovery_codes: Vec<String>,
}

impl SecurityOverview {
    /// Recovery codes stand in for a second factor, so they exist with one.
    pub(crate) fn any_factor_on(&self) -> bool {
        self.totp == TotpView::On || !self.passkeys.is_empty()
    }
}

/// A registered passkey as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The password asked again before a second factor changes.
#[component]
fn CurrentPassword(
    #[prop(into)] id: String,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    view! {
        <Field id=id.clone() label="Your password">
            <input
                id=id
                name="password"
                type="password"
                autocomplete="current-password"
                required
                maxlength="256"
                node_ref=node_ref
            />
        </Field>
    }
}

/// The inside of a form that changes a factor: its error, the password
/// again, and its button.
#[component]
fn PasswordAgain(
    id: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(default = "primary")] variant: &'static str,
) -> impl IntoView {
    view! {
        <ErrorNotice error=error />
        <CurrentPassword id />
        <SubmitButton pending label busy_label variant />
    }
}

#[cfg(test)]
mod tests {
    use super::TotpView;

    #[test]
    fn an_enrolment_secret_is_never_printed() {
        let enrolling = TotpView::Enrolling {
            secret: "JBSWY3DPEHPK3PXP".into(),
            qr_svg: "<svg>JBSWY3DPEHPK3PXP</svg>".into(),
        };
        assert!(!format!("{enrolling:?}").contains("JBSWY3DPEHPK3PXP"));
    }
}
