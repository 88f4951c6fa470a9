//! When a schedule is due: the first whole hour after a time that falls on
//! its hour (UTC), and on its weekday for a weekly one.

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// The first time strictly after `after` (UNIX seconds) at `hour`:00 UTC,
/// on `weekday` (0 is Monday) when one is given.
pub fn next_slot(after: i64, weekday: Option<u8>, hour: u8) -> i64 {
    let hour = i64::from(hour.min(23));
    let day_start = after.div_euclid(DAY) * DAY;
    let mut slot = day_start + hour * HOUR;
    if slot <= after {
        slot += DAY;
    }
    if let Some(weekday) = weekday {
        // 1970-01-01 was a Thursday (3, counting Monday as 0).
        let day_of = |time: i64| (time.div_euclid(DAY) + 3).rem_euclid(7);
        let wanted = i64::from(weekday.min(6));
        slot += (wanted - day_of(slot)).rem_euclid(7) * DAY;
    }
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07T00:00:00Z, a Monday.
    const MONDAY: i64 = 1_796_601_600;

    #[test]
    fn a_daily_slot_is_the_next_time_at_its_hour() {
        assert_eq!(next_slot(MONDAY, None, 3), MONDAY + 3 * HOUR);
        assert_eq!(next_slot(MONDAY + 3 * HOUR - 1, None, 3), MONDAY + 3 * HOUR);
        // At the slot itself, the next one is a day later: a run never repeats.
        assert_eq!(
            next_slot(MONDAY + 3 * HOUR, None, 3),
            MONDAY + DAY + 3 * HOUR
        );
        assert_eq!(next_slot(MONDAY + 23 * HOUR, None, 0), MONDAY + DAY);
    }

    #[test]
    fn a_weekly_slot_falls_on_its_weekday() {
        assert_eq!(next_slot(MONDAY, Some(0), 2), MONDAY + 2 * HOUR);
        assert_eq!(
            next_slot(MONDAY + 2 * HOUR, Some(0), 2),
            MONDAY + 7 * DAY + 2 * HOUR
        );
        assert_eq!(next_slot(MONDAY, Some(6), 0), MONDAY + 6 * DAY);
        assert_eq!(
            next_slot(MONDAY + 5 * DAY, Some(2), 12),
            MONDAY + 9 * DAY + 12 * HOUR
        );
    }
}
