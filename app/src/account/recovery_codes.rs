//! Recovery codes on Account → Security: how many are left, new ones after
//! the password, and fresh ones shown once, to copy or download.

use leptos::prelude::*;

use super::server_fns::RegenerateRecoveryCodes;
use super::PasswordAgain;
use crate::components::{form_error, CopyButton};
use crate::paths;

/// How many recovery codes are left, and new ones after the password.
#[component]
pub(super) fn RecoveryCodesLeft(
    codes_left: i64,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="recovery-title">
            <h2 id="recovery-title">"Recovery codes"</h2>
            <p data-testid="codes-left">{format!("Recovery codes left: {codes_left} of 10.")}</p>
            <ActionForm action=regenerate>
                <PasswordAgain
                    id="regenerate-password"
                    error=form_error(regenerate)
                    pending=regenerate.pending()
                    label="Make new recovery codes"
                    busy_label="Making…"
                    variant="secondary"
                />
            </ActionForm>
        </section>
    }
}

/// New recovery codes, shown once: to copy or download.
#[component]
pub(super) fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let text = codes.join("\n");
    let download = paths::encode_component(&text);
    view! {
        <section class="card notice-success" aria-labelledby="codes-title" role="status">
            <h2 id="codes-title">"Your recovery codes"</h2>
            <p>
                "Each works once instead of a code from the app. Keep them somewhere safe: \
                    Potions shows them only now."
            </p>
            <ul class="recovery-codes" data-testid="recovery-codes">
                {codes
                    .into_iter()
                    .map(|code| {
                        view! {
                            <li>
                                <code>{code}</code>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div class="actions">
                <a
                    class="button button-secondary"
                    href=format!("data:text/plain;charset=utf-8,{download}")
                    download="potions-recovery-codes.txt"
                >
                    "Download as text"
                </a>
                <CopyButton text what="all recovery codes" />
            </div>
        </section>
    }
}
