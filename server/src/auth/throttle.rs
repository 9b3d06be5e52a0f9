//! Password sign-in backoff and lockout, as pure functions of the failure
//! record and the time, so the rules are tested without waiting.
//!
//! Failures are counted per phone number whether or not an account exists,
//! so the throttle itself can't reveal which numbers are registered.
//!
//! - After 3 consecutive failures, an attempt within 2^(n-3) seconds of the
//!   last failure (n = failures so far) is refused unchecked: 1 s after the
//!   3rd, 2 s after the 4th, … 64 s after the 9th.
//! - After 10, password sign-in for the number is locked for 15 minutes;
//!   when the lock ends the count starts over.
//! - A success resets the count.

use std::time::Duration;

use crate::clock::{ms, secs_until};

pub(crate) const BACKOFF_AFTER: u32 = 3;
pub(crate) const LOCK_AFTER: u32 = 10;
pub(crate) const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);

/// Consecutive failed password attempts for one phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FailureRecord {
    pub(crate) consecutive: u32,
    pub(crate) last_failure_ms: i64,
}

/// Whether a password attempt may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    Open,
    /// In a backoff window: retry after this many seconds.
    Wait {
        retry_after_secs: u64,
    },
    /// Locked: retry after this many seconds (or sign in by SMS).
    Locked {
        retry_after_secs: u64,
    },
}

pub(crate) fn gate(record: Option<FailureRecord>, now_ms: i64) -> Gate {
    let Some(record) = record else {
        return Gate::Open;
    };
    if record.consecutive >= LOCK_AFTER {
        let until = record.last_failure_ms.saturating_add(ms(LOCK_DURATION));
        return if now_ms < until {
            Gate::Locked {
                retry_after_secs: secs_until(now_ms, until),
            }
        } else {
            Gate::Open
        };
    }
    if record.consecutive >= BACKOFF_AFTER {
        let window_ms = 1000i64 << (record.consecutive - BACKOFF_AFTER);
        let until = record.last_failure_ms.saturating_add(window_ms);
        if now_ms < until {
            return Gate::Wait {
                retry_after_secs: secs_until(now_ms, until),
            };
        }
    }
    Gate::Open
}

/// The record after one more failure at `now_ms`. A lock that has run out
/// starts the count over.
pub(crate) fn after_failure(record: Option<FailureRecord>, now_ms: i64) -> FailureRecord {
    let consecutive = match record {
        Some(record) if record.consecutive < LOCK_AFTER => record.consecutive + 1,
        _ => 1,
    };
    FailureRecord {
        consecutive,
        last_failure_ms: now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail_n_times(n: u32, mut now: i64) -> (Option<FailureRecord>, i64) {
        let mut record = None;
        for _ in 0..n {
            // Each failure waits out the window before it, as a patient
            // client would.
            match gate(record, now) {
                Gate::Open => {}
                Gate::Wait { retry_after_secs } | Gate::Locked { retry_after_secs } => {
                    now += i64::try_from(retry_after_secs).unwrap() * 1000;
                    assert_eq!(gate(record, now), Gate::Open);
                }
            }
            record = Some(after_failure(record, now));
        }
        (record, now)
    }

    #[test]
    fn three_failures_are_free() {
        let (record, now) = fail_n_times(2, 0);
        assert_eq!(gate(record, now), Gate::Open);
        let (record, now) = fail_n_times(3, 0);
        assert_eq!(
            gate(record, now),
            Gate::Wait {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            gate(record, now + 999),
            Gate::Wait {
                retry_after_secs: 1
            }
        );
        assert_eq!(gate(record, now + 1000), Gate::Open);
    }

    #[test]
    fn windows_double() {
        for n in BACKOFF_AFTER..LOCK_AFTER {
            let (record, now) = fail_n_times(n, 1_000_000);
            let window = 1u64 << (n - BACKOFF_AFTER);
            assert_eq!(
                gate(record, now),
                Gate::Wait {
                    retry_after_secs: window
                },
                "after {n} failures"
            );
            let window_ms = i64::try_from(window).unwrap() * 1000;
            assert_eq!(
                gate(record, now + window_ms - 1),
                Gate::Wait {
                    retry_after_secs: 1
                }
            );
            assert_eq!(gate(record, now + window_ms), Gate::Open);
        }
    }

    #[test]
    fn ten_failures_lock_for_fifteen_minutes_then_start_over() {
        let (record, now) = fail_n_times(LOCK_AFTER, 0);
        assert_eq!(
            gate(record, now),
            Gate::Locked {
                retry_after_secs: 900
            }
        );
        assert_eq!(
            gate(record, now + 899_001),
            Gate::Locked {
                retry_after_secs: 1
            }
        );
        let later = now + 900_000;
        assert_eq!(gate(record, later), Gate::Open);
        let record = after_failure(record, later);
        assert_eq!(record.consecutive, 1);
    }
}
