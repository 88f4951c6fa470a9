//! Who is signed in, as the browser knows it: the user, loaded once per
//! session change and shared by every page through the context.

pub mod server_fns;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use server_fns::current_user;

/// What the browser may know about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub email: String,
    /// A warning for this session, worded by the server: wrong second steps
    /// were tried on the account before this sign-in.
    pub warning: Option<String>,
}

impl SignedInUser {
    /// Up to two initials from the email's local part: `ada.lovelace@…` → `AL`.
    /// Only ASCII letters are upper-cased (`émile@…` → `é`): full Unicode
    /// case mapping would bring its tables (12 KB gzip) into the browser.
    pub fn initials(&self) -> String {
        let local = self.email.split('@').next().unwrap_or_default();
        let initials: String = local
            .split(['.', '_', '-', '+'])
            .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if initials.is_empty() {
            "?".into()
        } else {
            initials
        }
    }
}

/// The signed-in user. The actions that change who that is live on their
/// pages, so their code loads with those pages' chunks: signing in or up
/// loads the next page in full (`load_after_success`), and signing out
/// counts a session change, which loads the user again.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SignedInUser>, AppError>>,
    session_changes: RwSignal<u32>,
}

impl Auth {
    /// Made once, inside the router.
    pub fn provide() -> Self {
        let session_changes = RwSignal::new(0);
        let user = Resource::new(move || session_changes.get(), |_| current_user());
        let auth = Self {
            user,
            session_changes,
        };
        provide_context(auth);
        auth
    }

    /// Loads the user again: the session changed (signed out).
    pub fn session_changed(&self) {
        self.session_changes.update(|changes| *changes += 1);
    }

    /// The signed-in user's email, or nothing while signed out or loading.
    pub fn email(&self) -> Option<String> {
        self.user
            .get()
            .and_then(|u| u.ok().flatten())
            .map(|u| u.email)
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initials(email: &str) -> String {
        SignedInUser {
            email: email.into(),
            warning: None,
        }
        .initials()
    }

    #[test]
    fn initials_come_from_the_local_part() {
        assert_eq!(initials("ada.lovelace@example.com"), "AL");
        assert_eq!(initials("grace@example.com"), "G");
        assert_eq!(initials("j_r-r_tolkien@example.com"), "JR");
        assert_eq!(initials("...@example.com"), "?");
        assert_eq!(initials("émile.zola@example.com"), "éZ");
    }
}
