//! Runs a command's phases in order and says how long each took, so the
//! time a run costs is visible where it goes (also when a phase fails).

use std::time::{Duration, Instant};

use crate::{say, Result};

pub struct Phases {
    started: Instant,
    finished: Vec<(&'static str, Duration)>,
}

impl Phases {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            finished: Vec::new(),
        }
    }

    /// Runs one phase, then prints its time; the summary follows on failure.
    pub fn run<T>(&mut self, name: &'static str, phase: impl FnOnce() -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let outcome = phase();
        let took = started.elapsed();
        self.finished.push((name, took));
        say(&format!("{name}: {}", minutes_and_seconds(took)));
        if outcome.is_err() {
            self.print_summary();
        }
        outcome
    }

    pub fn print_summary(&self) {
        println!("\nTime by phase:");
        for (name, took) in &self.finished {
            println!("  {:<34} {:>8}", name, minutes_and_seconds(*took));
        }
        println!(
            "  {:<34} {:>8}",
            "total",
            minutes_and_seconds(self.started.elapsed())
        );
    }
}

pub fn minutes_and_seconds(took: Duration) -> String {
    let secs = took.as_secs();
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_minutes_and_seconds() {
        assert_eq!(minutes_and_seconds(Duration::from_millis(59_999)), "0:59");
        assert_eq!(minutes_and_seconds(Duration::from_secs(754)), "12:34");
    }

    #[test]
    fn a_failed_phase_is_timed_and_its_error_kept() {
        let mut phases = Phases::new();
        let failed: Result = phases.run("failing", || Err("broke".into()));
        assert_eq!(failed, Err("broke".to_string()));
        assert_eq!(phases.finished.len(), 1);
        assert_eq!(phases.finished[0].0, "failing");
    }
}
