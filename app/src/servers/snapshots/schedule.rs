//! A server's snapshot schedule: daily or weekly at an hour (UTC), keeping
//! the newest N of its own snapshots; its next run, and why the last one
//! failed. Plain forms that work without JavaScript.

use leptos::prelude::*;
use model::snapshots::{Schedule, KEEP_MAX, WEEKDAYS};

use super::server_fns::{RemoveSnapshotSchedule, SetSnapshotSchedule};
use crate::components::{form_error, hint_id, ErrorNotice, Field, SubmitButton};
use crate::format::{format_optional_time, format_time};
use crate::servers::refresh::refresh_when_done;

/// What the form offers before a schedule is set: daily at 03:00, seven kept.
const DEFAULT: (Option<u8>, u8, u8) = (None, 3, 7);

#[component]
pub fn ScheduleCard(
    connection_id: String,
    server_id: i64,
    schedule: Option<Schedule>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let set = ServerAction::<SetSnapshotSchedule>::new();
    let remove = ServerAction::<RemoveSnapshotSchedule>::new();
    refresh_when_done(set, refresh);
    refresh_when_done(remove, refresh);
    let (weekday, hour, keep) = schedule
        .as_ref()
        .map_or(DEFAULT, |s| (s.weekday, s.hour, s.keep));
    let days = std::iter::once((
        "daily".to_string(),
        "Every day".to_string(),
        weekday.is_none(),
    ))
    .chain(
        WEEKDAYS
            .iter()
            .zip(0u8..)
            .map(|(day, n)| (n.to_string(), format!("Every {day}"), weekday == Some(n))),
    )
    .map(|(value, words, selected)| {
        view! {
            <option value=value selected=selected>
                {words}
            </option>
        }
    })
    .collect_view();
    let hours = (0u8..24)
        .map(|h| {
            view! {
                <option value=h.to_string() selected=h == hour>
                    {format!("{h:02}:00")}
                </option>
            }
        })
        .collect_view();
    let remove_id = connection_id.clone();
    let status = schedule.as_ref().map(|schedule| {
        let failure = schedule.last_failure.clone().map(|why| {
            view! {
                <p class="notice notice-error" data-testid="schedule-failure">
                    {format!(
                        "The last run, {}, failed: {why}",
                        format_optional_time(schedule.last_run_at),
                    )}
                </p>
            }
        });
        view! {
            <p data-testid="schedule-summary">{schedule.describe()}</p>
            <p data-testid="schedule-next">
                {format!("Next run: {}", format_time(schedule.next_run_at))}
            </p>
            {failure}
        }
    });
    // After the form that changes it: the card reads top to bottom.
    let off = schedule.is_some().then(|| {
        view! {
            <ActionForm action=remove>
                <ErrorNotice error=form_error(remove) />
                <input type="hidden" name="id" value=remove_id />
                <input type="hidden" name="server_id" value=server_id.to_string() />
                <SubmitButton
                    pending=remove.pending()
                    label="Turn the schedule off"
                    busy_label="Turning off…"
                    variant="secondary"
                />
            </ActionForm>
        }
    });
    let keep_hint = format!(
        "1 to {KEEP_MAX}. After each run, the oldest snapshots this schedule took go; \
         others are never touched."
    );
    let save = if schedule.is_some() {
        "Save the schedule"
    } else {
        "Start the schedule"
    };
    view! {
        <section class="card" aria-labelledby="schedule-title">
            <h2 id="schedule-title">"Snapshot schedule"</h2>
            {status}
            <ActionForm action=set>
                <ErrorNotice error=form_error(set) />
                <input type="hidden" name="id" value=connection_id />
                <input type="hidden" name="server_id" value=server_id.to_string() />
                <Field id="schedule-day" label="How often">
                    <select id="schedule-day" name="day">
                        {days}
                    </select>
                </Field>
                <Field id="schedule-hour" label="At (UTC)">
                    <select id="schedule-hour" name="hour">
                        {hours}
                    </select>
                </Field>
                <Field id="schedule-keep" label="Snapshots to keep" hint=keep_hint>
                    <input
                        id="schedule-keep"
                        name="keep"
                        type="number"
                        min="1"
                        max=KEEP_MAX.to_string()
                        required
                        value=keep.to_string()
                        aria-describedby=hint_id("schedule-keep")
                    />
                </Field>
                <SubmitButton
                    pending=set.pending()
                    label=save
                    busy_label="Saving…"
                    variant="secondary"
                />
            </ActionForm>
            {off}
        </section>
    }
}
