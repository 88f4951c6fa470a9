//! The signed-in user, for the browser.

use leptos::prelude::*;

use super::SignedInUser;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "current_user", output = crate::wire::TextJson)]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    let signed_in = crate::ssr::signed_in(&crate::ssr::state()?).await?;
    Ok(signed_in.map(|signed_in| SignedInUser {
        email: signed_in.user.email.clone(),
        warning: wrong_steps_warning(signed_in.wrong_second_steps_before),
    }))
}

#[cfg(feature = "ssr")]
fn wrong_steps_warning(count: i64) -> Option<String> {
    let tries = match count {
        ..=0 => return None,
        1 => "1 wrong code or passkey was".to_string(),
        n => format!("{n} wrong codes or passkeys were"),
    };
    Some(format!(
        "Since you last signed in, {tries} tried at the second step of signing in to your \
         account. If that wasn't you, someone knows your password."
    ))
}
