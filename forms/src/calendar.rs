//! Proleptic Gregorian calendar arithmetic: the one place that knows which
//! days exist, shared by ID-number birth dates and `date` fields so both
//! agree on 29 February.

/// Whether `year-month-day` is a day of the Gregorian calendar.
pub(crate) fn is_calendar_date(year: u32, month: u32, day: u32) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// A `YYYY-MM-DD` date as (year, month, day), which orders like the date.
/// Exactly ten ASCII characters: no time, no time zone, no other separators,
/// because the value is stored and compared as typed.
pub(crate) fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    (year >= 1 && is_calendar_date(year, month, day)).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years() {
        assert!(is_calendar_date(2000, 2, 29));
        assert!(is_calendar_date(2024, 2, 29));
        assert!(!is_calendar_date(1900, 2, 29));
        assert!(!is_calendar_date(2023, 2, 29));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        for bad in [
            "2023-02-29",
            "2024-2-29",
            "2024/02/29",
            "2024-02-29T00:00",
            "0000-01-01",
            "２０２４-０２-２９",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
