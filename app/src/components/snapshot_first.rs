//! "Take a snapshot first", the safety net a risky step's form offers, on
//! unless the user turns it off.

use leptos::prelude::*;

use super::hint_id;

#[component]
pub fn SnapshotFirst(
    /// The form's name, for unique ids.
    form: &'static str,
    /// The step, as the hint says it: "the resize".
    step: &'static str,
) -> impl IntoView {
    let id = format!("{form}-snapshot-first");
    let hint = format!(
        "Potions waits for the snapshot, then runs {step}; if the snapshot fails, {step} \
         does not run. The snapshot is billed by its size until you delete it."
    );
    view! {
        <div class="checkbox">
            <input
                type="checkbox"
                id=id.clone()
                name="snapshot_first"
                value="true"
                checked
                aria-describedby=hint_id(&id)
            />
            <label for=id.clone()>"Take a snapshot first"</label>
        </div>
        <p id=hint_id(&id) class="hint">
            {hint}
        </p>
    }
}
