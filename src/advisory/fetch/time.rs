//! RFC 3339 timestamps for `fetched_at`, without a date-time dependency:
//! whole days since the epoch convert to civil dates with Howard Hinnant's
//! `days_from_civil` / `civil_from_days` algorithms (proleptic Gregorian).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2026-11-23T08:05:09Z` (UTC, whole seconds). Times before 1970 print as
/// the epoch: the clock would have to be badly wrong.
pub fn format_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`/`z` and a space
/// separator too); `None` for anything else or a time before 1970.
pub fn parse(s: &str) -> Option<SystemTime> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let sep = |at: usize, ok: &[u8]| b.get(at).is_some_and(|c| ok.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    // 60 is a leap second; the next second is close enough.
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            // Digits past nanoseconds are dropped.
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b.get(i).map_or(0, |c| c - b'0'));
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_utc_seconds() {
        assert_eq!(format_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(at(1_795_421_109)), "2026-11-23T08:05:09Z");
        assert_eq!(format_utc(at(4_102_444_799)), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn parses_what_it_formats_and_common_variants() {
        assert_eq!(parse("2026-11-23T08:05:09Z"), Some(at(1_795_421_109)));
        assert_eq!(parse("2026-11-23t08:05:09z"), Some(at(1_795_421_109)));
        assert_eq!(parse("2026-11-23T10:05:09+02:00"), Some(at(1_795_421_109)));
        assert_eq!(parse("2026-11-23T07:35:09-00:30"), Some(at(1_795_421_109)));
        assert_eq!(
            parse("2026-11-23T08:05:09.25Z"),
            Some(at(1_795_421_109) + Duration::from_millis(250))
        );
        assert_eq!(parse("2000-02-29T00:00:00Z"), Some(at(951_782_400)));
        for t in [0, 86_399, 951_782_400, 1_795_421_109, 4_102_444_799] {
            assert_eq!(parse(&format_utc(at(t))), Some(at(t)));
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
            "1969-12-31T23:59:59Z",
            "２026-11-23T08:05:09Z",
            "2026-11-23T08:05:09Zjunk",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
