//! The calendar the services share: UTC days since 1970-01-01, ISO dates as they travel
//! on the wire, and business days (when a standard savings redemption lands).

/// Days since 1970-01-01 (UTC) of a Unix time.
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(86_400)
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil-from-days).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day count of a civil date (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-12-03`: how a day travels on the wire and prints in the CLI.
pub fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day of an ISO date (`YYYY-MM-DD`), or `None` for anything else (no other forms, no
/// February 30th).
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let day = days_from_civil(y, m, d);
    (civil_from_days(day) == (y, m, d)).then_some(day)
}

/// Monday to Friday. No holiday calendar: a deployment that needs one replaces this rule.
pub fn is_business_day(day: i64) -> bool {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    (day + 3).rem_euclid(7) < 5
}

/// The first business day after `day`: when a standard redemption made on `day` lands.
pub fn next_business_day(day: i64) -> i64 {
    let mut d = day + 1;
    while !is_business_day(d) {
        d += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_refuse_what_is_not_one() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(parse_iso_date("2000-02-29"), Some(11_016));
        assert_eq!(iso_date(11_016), "2000-02-29");
        for day in [-1, 0, 20_000, 20_790, 60_000] {
            assert_eq!(parse_iso_date(&iso_date(day)), Some(day));
        }
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-01T",
            "+026-01-01",
            "",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn business_days_skip_the_weekend() {
        let friday = parse_iso_date("2026-12-04").unwrap();
        assert!(is_business_day(friday));
        assert!(!is_business_day(friday + 1), "Saturday");
        assert!(!is_business_day(friday + 2), "Sunday");
        assert_eq!(next_business_day(friday), friday + 3, "Monday");
        assert_eq!(next_business_day(friday + 1), friday + 3);
        assert_eq!(next_business_day(friday - 1), friday, "Thursday to Friday");
    }
}
