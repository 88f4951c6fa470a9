//! How values read on every page: one date format, one way to count.

/// UNIX seconds as `28 Nov 2026, 05:13 UTC`, the same on server and browser.
pub fn format_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let month_name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("?");
    format!(
        "{day} {month_name} {year}, {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// A time that may be unknown (a provider sent none we could read).
pub fn format_optional_time(unix: Option<i64>) -> String {
    unix.map(format_time).unwrap_or_else(|| "—".into())
}

/// How long ago, roughly: `12 s ago`, `3 min ago`.
pub fn age_phrase(secs: i64) -> String {
    if secs < 60 {
        format!("{} s ago", secs.max(0))
    } else {
        format!("{} min ago", secs / 60)
    }
}

/// `1 server`, `3 servers`.
pub fn count_of(n: i64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times_as_utc_dates() {
        assert_eq!(format_time(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(format_time(1_795_842_778), "28 Nov 2026, 05:12 UTC");
        assert_eq!(format_time(951_825_600), "29 Feb 2000, 12:00 UTC");
        assert_eq!(format_optional_time(None), "—");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_of(1, "server", "servers"), "1 server");
        assert_eq!(count_of(0, "server", "servers"), "0 servers");
    }
}
