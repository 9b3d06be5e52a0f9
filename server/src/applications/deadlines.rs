//! Time limits (办结时限) in working days: Monday to Friday in China
//! Standard Time (+08:00, no daylight saving); no holiday calendar yet.
//! A limit counts from the day after acceptance, the working days spent
//! waiting for a supplement are added back (补正期间不计入办理时限), and the
//! application is due by the end of the last day, 23:59:59+08:00.

use serde::Serialize;

const DAY_MS: i64 = 86_400_000;
const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// The day number (days since 1970-01-01) in China at `epoch_ms`.
fn china_day(epoch_ms: i64) -> i64 {
    (epoch_ms + CHINA_OFFSET_MS).div_euclid(DAY_MS)
}

/// 1970-01-01 was a Thursday: day 0 → 3 with Monday as 0.
fn is_working_day(day: i64) -> bool {
    (day + 3).rem_euclid(7) < 5
}

/// The day `count` working days after `day` (`day` itself not counted).
fn add_working_days(day: i64, count: u32) -> i64 {
    let mut day = day;
    let mut left = count;
    while left > 0 {
        day += 1;
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// 23:59:59 China time of `day`, as epoch milliseconds.
fn end_of_day_ms(day: i64) -> i64 {
    (day + 1) * DAY_MS - CHINA_OFFSET_MS - 1000
}

/// Working days after the day of `from_ms` up to and including the day of
/// `to_ms`: how long an application waited for the applicant. A request
/// answered the same day costs nothing.
pub(crate) fn working_days_between(from_ms: i64, to_ms: i64) -> u32 {
    let (from, to) = (china_day(from_ms), china_day(to_ms));
    let count = (from + 1..=to).filter(|&day| is_working_day(day)).count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// When an application accepted at `accepted_at_ms` with a limit of
/// `limit_days` working days, `suspended_days` of them added back, is due:
/// the end of that day in China, epoch milliseconds.
pub(crate) fn due_at_ms(accepted_at_ms: i64, limit_days: u32, suspended_days: u32) -> i64 {
    let last = add_working_days(
        china_day(accepted_at_ms),
        limit_days.saturating_add(suspended_days),
    );
    end_of_day_ms(last)
}

/// `2026-12-10T23:59:59+08:00`.
pub(crate) fn rfc3339_china(epoch_ms: i64) -> String {
    let shifted = epoch_ms + CHINA_OFFSET_MS;
    let utc_like = crate::clock::rfc3339_utc(shifted);
    format!("{}+08:00", utc_like.trim_end_matches('Z'))
}

/// `deadlines` of the application object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Deadlines {
    pub(crate) promised_due_at: String,
    pub(crate) legal_due_at: String,
}

impl Deadlines {
    pub(crate) fn new(accepted_at_ms: i64, promised: u32, legal: u32, suspended: u32) -> Deadlines {
        Deadlines {
            promised_due_at: rfc3339_china(due_at_ms(accepted_at_ms, promised, suspended)),
            legal_due_at: rfc3339_china(due_at_ms(accepted_at_ms, legal, suspended)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-27 (a Friday) 10:00 in China.
    const FRIDAY_10H: i64 = 1_795_744_800_000;

    #[test]
    fn working_days_skip_the_weekend() {
        assert_eq!(
            crate::clock::rfc3339_utc(FRIDAY_10H),
            "2026-11-27T02:00:00Z"
        );
        assert!(is_working_day(china_day(FRIDAY_10H)));
        assert!(!is_working_day(china_day(FRIDAY_10H) + 1));
        assert!(!is_working_day(china_day(FRIDAY_10H) + 2));
        assert!(is_working_day(china_day(FRIDAY_10H) + 3));
        // Accepted on Friday: one working day is Monday, five the next Friday.
        assert_eq!(
            rfc3339_china(due_at_ms(FRIDAY_10H, 1, 0)),
            "2026-11-30T23:59:59+08:00"
        );
        assert_eq!(
            rfc3339_china(due_at_ms(FRIDAY_10H, 5, 0)),
            "2026-12-04T23:59:59+08:00"
        );
        // Six working days cross the second weekend too.
        assert_eq!(
            rfc3339_china(due_at_ms(FRIDAY_10H, 6, 0)),
            "2026-12-07T23:59:59+08:00"
        );
        // Accepted on Saturday counts from Monday as well.
        let saturday = FRIDAY_10H + DAY_MS;
        assert_eq!(
            rfc3339_china(due_at_ms(saturday, 1, 0)),
            "2026-11-30T23:59:59+08:00"
        );
        // Zero days: due at the end of the acceptance day.
        assert_eq!(
            rfc3339_china(due_at_ms(FRIDAY_10H, 0, 0)),
            "2026-11-27T23:59:59+08:00"
        );
    }

    #[test]
    fn the_day_follows_china_time_not_utc() {
        // 2026-11-29T17:00:00Z is already Monday 01:00 in China.
        let sunday_utc_monday_china = 1_795_971_600_000;
        assert_eq!(
            crate::clock::rfc3339_utc(sunday_utc_monday_china),
            "2026-11-29T17:00:00Z"
        );
        assert_eq!(
            rfc3339_china(due_at_ms(sunday_utc_monday_china, 1, 0)),
            "2026-12-01T23:59:59+08:00"
        );
    }

    #[test]
    fn supplement_days_are_added_back() {
        // Requested Friday, answered the next Wednesday: Mon, Tue, Wed.
        let wednesday = FRIDAY_10H + 5 * DAY_MS;
        assert_eq!(working_days_between(FRIDAY_10H, wednesday), 3);
        assert_eq!(working_days_between(FRIDAY_10H, FRIDAY_10H + 3_600_000), 0);
        // Over a weekend only: nothing.
        assert_eq!(working_days_between(FRIDAY_10H, FRIDAY_10H + 2 * DAY_MS), 0);
        assert_eq!(
            rfc3339_china(due_at_ms(FRIDAY_10H, 5, 3)),
            "2026-12-09T23:59:59+08:00"
        );
        let deadlines = Deadlines::new(FRIDAY_10H, 5, 20, 3);
        assert_eq!(deadlines.promised_due_at, "2026-12-09T23:59:59+08:00");
        assert_eq!(deadlines.legal_due_at, "2026-12-30T23:59:59+08:00");
    }
}
