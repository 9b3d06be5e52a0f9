//! The server's notion of now. Every expiry (codes, tokens, lockouts) is
//! computed from it, never from SQLite's clock, so a test can move time
//! forward with [`crate::TestServer::advance_clock`] instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock milliseconds since the Unix epoch, plus an offset that only
/// ever grows. A test may pause it: then it stands still but for the
/// offset. Cheap to clone; clones share the state.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// The wall time it was paused at, or `RUNNING`.
    paused_at_ms: Arc<AtomicI64>,
}

const RUNNING: i64 = i64::MIN;

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            offset_ms: Arc::default(),
            paused_at_ms: Arc::new(AtomicI64::new(RUNNING)),
        }
    }
}

impl Clock {
    pub(crate) fn now_ms(&self) -> i64 {
        let paused = self.paused_at_ms.load(Ordering::Relaxed);
        let base = if paused == RUNNING { wall_ms() } else { paused };
        base.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Stops the clock where it is; from then on only `advance` moves it.
    pub(crate) fn pause(&self) {
        let _ = self.paused_at_ms.compare_exchange(
            RUNNING,
            wall_ms(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Moves this server's time forward by `by`.
    pub(crate) fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

/// Milliseconds in `duration`, saturating; for adding lifetimes to `now_ms`.
pub(crate) fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Whole seconds from `now_ms` until `until_ms`, rounded up: what a
/// `Retry-After` header says. At least 1 when `until_ms` is in the future.
pub(crate) fn secs_until(now_ms: i64, until_ms: i64) -> u64 {
    let remaining = until_ms.saturating_sub(now_ms).max(0);
    u64::try_from((remaining + 999) / 1000).unwrap_or(0)
}

/// The calendar date (year, month, day) in China (UTC+8, no DST) at
/// `epoch_ms`; used to refuse birth dates in the future.
pub(crate) fn china_date(epoch_ms: i64) -> (u32, u32, u32) {
    const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;
    let days = (epoch_ms + CHINA_OFFSET_MS).div_euclid(86_400_000);
    civil_from_days(days)
}

/// `2026-01-01T08:30:00Z`: `epoch_ms` as an RFC 3339 UTC timestamp to the
/// second, for documents that say when they were made.
pub(crate) fn rfc3339_utc(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a proleptic
/// Gregorian date.
fn civil_from_days(days: i64) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Dates handled here are between 1970 and a few centuries on, so the
    // conversions can't fail; the fallback keeps that non-panicking.
    (
        u32::try_from(year).unwrap_or(0),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        let after = clock.now_ms();
        assert!(after - before >= 3_600_000);
        assert!(after - before < 3_700_000);
    }

    #[test]
    fn a_paused_clock_moves_only_when_advanced() {
        let clock = Clock::default();
        clock.pause();
        let paused = clock.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now_ms(), paused);
        clock.pause();
        assert_eq!(clock.now_ms(), paused);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now_ms(), paused + 1500);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(secs_until(1_000, 1_000), 0);
        assert_eq!(secs_until(1_000, 900), 0);
        assert_eq!(secs_until(1_000, 1_001), 1);
        assert_eq!(secs_until(1_000, 2_000), 1);
        assert_eq!(secs_until(1_000, 2_001), 2);
    }

    #[test]
    fn rfc3339_in_utc() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_840_000_999), "2000-02-29T16:00:00Z");
        assert_eq!(rfc3339_utc(1_735_689_599_000), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn dates_in_china() {
        assert_eq!(china_date(0), (1970, 1, 1));
        // 2000-02-29T16:00:00Z is already 1 March in Beijing.
        assert_eq!(china_date(951_840_000_000), (2000, 3, 1));
        assert_eq!(china_date(951_840_000_000 - 1), (2000, 2, 29));
        // 2024-12-31T23:59:59Z is 2025-01-01 in Beijing.
        assert_eq!(china_date(1_735_689_599_000), (2025, 1, 1));
    }
}
