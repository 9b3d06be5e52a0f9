//! When to try a request again, and how long to wait first.
//!
//! Only idempotent requests are retried (GET/HEAD/PUT/DELETE, or a POST that
//! carries an Idempotency-Key), and only when trying again can help: the
//! connection failed, or the platform said 503/429. Waits grow exponentially
//! with jitter so that many phones coming back online do not retry in step;
//! a server's Retry-After is honoured when it is not absurdly long.

use std::time::{Duration, SystemTime};

use rand::Rng;

#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 disables retries.
    pub max_attempts: u32,
    /// The wait before the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// No computed wait is longer than this.
    pub max_delay: Duration,
    /// A Retry-After longer than this ends the retries at once: the user is
    /// better served by a clear "busy, try at T" than by a frozen screen.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    pub fn no_retries() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1`, or None when we should stop.
    /// `attempt` counts the attempts made so far (1 after the first).
    pub fn next_delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        if let Some(hint) = retry_after {
            return (hint <= self.max_retry_after).then_some(hint);
        }
        let exponent = attempt.saturating_sub(1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        // "Equal jitter": at least half the ceiling, so waits still grow.
        let half = ceiling / 2;
        let jitter = rand::rng().random_range(0..=half.as_millis() as u64);
        Some(half + Duration::from_millis(jitter))
    }
}

/// Reads a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_retry_after: Duration::from_secs(5),
        };
        let d1 = p.next_delay(1, None).unwrap();
        assert!((50..=100).contains(&(d1.as_millis() as u64)));
        let d3 = p.next_delay(3, None).unwrap();
        assert!((150..=300).contains(&(d3.as_millis() as u64)), "capped");
        assert_eq!(p.next_delay(4, None), None);
    }

    #[test]
    fn retry_after_is_honoured_unless_too_long() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next_delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.next_delay(1, Some(Duration::from_secs(3600))), None);
    }

    #[test]
    fn parses_both_retry_after_forms() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
