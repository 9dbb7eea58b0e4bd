//! Dates and times, through `jiff`: today's date for dated rules and
//! reports, RFC 3339 timestamps for the advisory database's `fetched_at`,
//! day arithmetic for its age, and the `YYYY-MM-DD` check of suppression
//! expiry dates. A leaf module: it imports nothing of the pipeline.

use std::time::SystemTime;

use jiff::civil::Date;
use jiff::Timestamp;

/// Today's date in UTC (`YYYY-MM-DD`), or `FAASGUARD_TODAY` when it holds a
/// valid date (reproducible reports and tests of dated rules).
pub fn today() -> String {
    if let Ok(d) = std::env::var("FAASGUARD_TODAY") {
        if is_date(&d) {
            return d;
        }
    }
    Timestamp::now().strftime("%Y-%m-%d").to_string()
}

/// `2026-11-23T08:05:09Z`: UTC, whole seconds. A time before 1970 prints as
/// the epoch: the clock would have to be badly wrong.
pub fn format_utc(t: SystemTime) -> String {
    let ts = Timestamp::try_from(t)
        .ok()
        .filter(|ts| *ts >= Timestamp::UNIX_EPOCH)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An RFC 3339 timestamp with an offset (`Z`, `+02:00`; a fraction, `t`/`z`
/// and a space separator too); `None` for anything else, for a time zone
/// annotation, and for a time before 1970.
pub fn parse_timestamp(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    // jiff also reads RFC 9557 annotations (`[Europe/Paris]`) and offsets
    // without a colon; RFC 3339, which `fetched_at` promises, has neither.
    if s.contains('[') || !has_colon_offset(s) {
        return None;
    }
    let ts: Timestamp = s.parse().ok()?;
    if ts < Timestamp::UNIX_EPOCH {
        return None;
    }
    SystemTime::try_from(ts).ok()
}

/// The timestamp ends in `Z` or in `±HH:MM`.
fn has_colon_offset(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b.last(), Some(b'Z' | b'z'))
        || (b.len() > 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':')
}

/// `YYYY-MM-DD` with a month and day that exist.
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|c| c.is_ascii_digit() || c == b'-') && date(s).is_some()
}

fn date(s: &str) -> Option<Date> {
    s.parse::<Date>().ok()
}

/// Days since 1970-01-01 of a date written `YYYY-MM-DD`, or of the date part
/// of an RFC 3339 time (`2025-06-01T00:00:00Z`: the day as written).
pub fn days_since_epoch(s: &str) -> Option<i64> {
    let day = s.get(..10).filter(|d| is_date(d)).and_then(date)?;
    if s.len() > 10 && !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let epoch = Date::constant(1970, 1, 1);
    Some(i64::from((day - epoch).get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_utc_seconds() {
        assert_eq!(format_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(at(1_795_421_109)), "2026-11-23T08:05:09Z");
        assert_eq!(format_utc(at(4_102_444_799)), "2099-12-31T23:59:59Z");
        assert_eq!(
            format_utc(at(1_795_421_109) + Duration::from_millis(999)),
            "2026-11-23T08:05:09Z"
        );
        assert_eq!(
            format_utc(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn parses_what_it_formats_and_common_variants() {
        let t = Some(at(1_795_421_109));
        assert_eq!(parse_timestamp("2026-11-23T08:05:09Z"), t);
        assert_eq!(parse_timestamp("2026-11-23t08:05:09z"), t);
        assert_eq!(parse_timestamp("2026-11-23 08:05:09Z"), t);
        assert_eq!(parse_timestamp("2026-11-23T10:05:09+02:00"), t);
        assert_eq!(parse_timestamp("2026-11-23T07:35:09-00:30"), t);
        assert_eq!(
            parse_timestamp("2026-11-23T08:05:09.25Z"),
            Some(at(1_795_421_109) + Duration::from_millis(250))
        );
        assert_eq!(
            parse_timestamp("2000-02-29T00:00:00Z"),
            Some(at(951_782_400))
        );
        for t in [0, 86_399, 951_782_400, 1_795_421_109, 4_102_444_799] {
            assert_eq!(parse_timestamp(&format_utc(at(t))), Some(at(t)));
        }
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "2026-11-23",
            "2026-11-23T08:05:09",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T08:05:09.Z",
            "2026-11-23T08:05:09+0200",
            "2026-11-23T08:05:09Z[Europe/Paris]",
            "1969-12-31T23:59:59Z",
            "２026-11-23T08:05:09Z",
            "2026-11-23T08:05:09Zjunk",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_exist_or_are_refused() {
        for good in ["2024-02-29", "2026-12-31", "1970-01-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-1-01",
            "+2026-01-01",
            "2026-01-01T00:00:00Z",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn days_count_from_the_epoch() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("2025-11-23"), Some(20_415));
        assert_eq!(days_since_epoch("2024-02-29"), Some(19_782));
        assert_eq!(
            days_since_epoch("2025-07-16")
                .zip(days_since_epoch("2025-06-01T00:00:00Z"))
                .map(|(a, b)| a - b),
            Some(45)
        );
        for bad in ["2025-13-01", "2025-02-30", "20250101", "2025-06-01junk", ""] {
            assert_eq!(days_since_epoch(bad), None, "{bad}");
        }
    }
}
