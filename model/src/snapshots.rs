//! Why Potions took a snapshot, and a server's snapshot schedule as its
//! page shows it.

use serde::{Deserialize, Serialize};

/// Why Potions took a snapshot: a user asked, a schedule ran, or a risky
/// step (resize, rebuild, delete) was about to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    ByHand,
    /// The id of the schedule that took it: retention deletes only these.
    Schedule(String),
    SafetyNet,
}

impl Origin {
    pub fn words(&self) -> &'static str {
        match self {
            Self::ByHand => "Potions, by hand",
            Self::Schedule(_) => "Potions, on schedule",
            Self::SafetyNet => "Potions, before a risky step",
        }
    }
}

/// Snapshots a schedule keeps at most.
pub const KEEP_MAX: u8 = 30;

/// A server's snapshot schedule: daily, or weekly on one day, at one hour
/// (UTC), keeping the newest `keep` of its own snapshots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// `None` for every day; 0 is Monday.
    pub weekday: Option<u8>,
    pub hour: u8,
    pub keep: u8,
    /// UNIX seconds.
    pub next_run_at: i64,
    pub last_run_at: Option<i64>,
    /// Why the last run failed, as the user reads it.
    pub last_failure: Option<String>,
}

/// Weekdays as forms name them, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Schedule {
    /// "Every day at 03:00 UTC, keeping 7".
    pub fn describe(&self) -> String {
        let day = match self.weekday.and_then(|d| WEEKDAYS.get(usize::from(d))) {
            Some(day) => format!("Every {day}"),
            None => "Every day".to_string(),
        };
        format!("{day} at {:02}:00 UTC, keeping {}", self.hour, self.keep)
    }
}
