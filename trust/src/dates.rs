//! Calendar dates of licence validity. A licence is valid from the start
//! of `valid_from` to the end of `valid_until`, both in China Standard Time
//! (UTC+8, no daylight saving), which is how the printed cards read.

use crate::error::{Result, TrustError};

const CST_OFFSET_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days_from_civil), so the crate needs no calendar library.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Parses YYYY-MM-DD strictly and returns days since the epoch.
pub(crate) fn parse_date(text: &str) -> Result<i64> {
    let bad = || TrustError::InvalidDate(text.to_string());
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32> {
        let part = &text[range];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (i64::from(num(0..4)?), num(5..7)?, num(8..10)?);
    let month_days = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day == 0 || day > month_days[month as usize - 1] {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day))
}

/// The first millisecond of `date` in UTC+8.
pub(crate) fn start_of_day_ms(date: &str) -> Result<i64> {
    Ok(parse_date(date)? * DAY_MS - CST_OFFSET_MS)
}

/// The first millisecond after `date` in UTC+8.
pub(crate) fn end_of_day_ms(date: &str) -> Result<i64> {
    Ok((parse_date(date)? + 1) * DAY_MS - CST_OFFSET_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_map_to_the_right_instants() {
        assert_eq!(parse_date("1970-01-01").unwrap(), 0);
        assert_eq!(parse_date("2000-03-01").unwrap(), 11_017);
        // 2024-01-01T00:00+08:00 is 2023-12-31T16:00Z.
        assert_eq!(start_of_day_ms("2024-01-01").unwrap(), 1_704_038_400_000);
        assert_eq!(end_of_day_ms("2023-12-31").unwrap(), 1_704_038_400_000);
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "24-01-01",
            "2024/01/01",
            "２０２４-01-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_date("2024-02-29").is_ok());
    }
}
