//! Progress as the app sees it: a few updates a second per upload at most
//! (every state change gets through at once), with the recent rate.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::UploadProgress;
use crate::events::{Subscription, Watched};

/// At most this often per upload, state changes aside.
const MIN_INTERVAL: Duration = Duration::from_millis(250);
/// The rate is measured over about this long.
const RATE_WINDOW: Duration = Duration::from_secs(3);

/// The watchers of individual uploads.
#[derive(Default)]
pub(crate) struct ProgressHub {
    watched: Mutex<HashMap<String, Watched<UploadProgress>>>,
}

impl ProgressHub {
    /// Follows one upload, starting from `current`.
    pub(crate) fn watch(&self, current: UploadProgress) -> Subscription<UploadProgress> {
        let mut watched = self.lock();
        let entry = watched
            .entry(current.id.clone())
            .or_insert_with(|| Watched::new(current.clone()));
        entry.subscribe()
    }

    /// Tells the upload's watchers, if it has any.
    pub(crate) fn publish(&self, progress: UploadProgress) {
        if let Some(watched) = self.lock().get(&progress.id) {
            watched.set(progress);
        }
    }

    /// The upload left the queue: its watchers' streams end.
    pub(crate) fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Watched<UploadProgress>>> {
        self.watched.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Measures one running upload: when to publish, and how fast it goes.
pub(crate) struct Meter {
    samples: VecDeque<(Instant, u64)>,
    published_at: Option<Instant>,
    saved_at: Option<Instant>,
}

impl Meter {
    pub(crate) fn new() -> Self {
        Self {
            samples: VecDeque::new(),
            published_at: None,
            saved_at: None,
        }
    }

    /// Whether the confirmed offset should be saved now. Saved offsets only
    /// spare a HEAD's worth of guessing after a restart (the platform's
    /// offset is the truth), so a few times a second is plenty.
    pub(crate) fn offset_due(&mut self) -> bool {
        let now = Instant::now();
        let due = self
            .saved_at
            .is_none_or(|at| now.duration_since(at) >= MIN_INTERVAL);
        if due {
            self.saved_at = Some(now);
        }
        due
    }

    /// Records that `sent` bytes are through; returns the rate to publish
    /// when it is time for an update (or when `force`d).
    pub(crate) fn record(&mut self, sent: u64, force: bool) -> Option<u64> {
        self.record_at(Instant::now(), sent, force)
    }

    fn record_at(&mut self, now: Instant, sent: u64, force: bool) -> Option<u64> {
        if self.samples.back().is_none_or(|(_, last)| *last != sent) {
            self.samples.push_back((now, sent));
        }
        while self.samples.len() > 2
            && self
                .samples
                .front()
                .is_some_and(|(at, _)| now.duration_since(*at) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
        let due = self
            .published_at
            .is_none_or(|at| now.duration_since(at) >= MIN_INTERVAL);
        if !(due || force) {
            return None;
        }
        self.published_at = Some(now);
        Some(self.rate(now))
    }

    fn rate(&self, now: Instant) -> u64 {
        let (Some((first_at, first)), Some((_, last))) =
            (self.samples.front(), self.samples.back())
        else {
            return 0;
        };
        let elapsed = now.duration_since(*first_at).as_secs_f64();
        if elapsed < 0.05 || last <= first {
            return 0;
        }
        ((last - first) as f64 / elapsed) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_but_lets_forced_updates_through() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut meter = Meter::new();
        assert!(
            meter.record_at(at(0), 0, false).is_some(),
            "the first update goes out"
        );
        assert!(meter.record_at(at(100), 10, false).is_none(), "too soon");
        assert!(
            meter.record_at(at(120), 20, true).is_some(),
            "a state change goes out"
        );
        assert!(
            meter.record_at(at(200), 30, false).is_none(),
            "too soon again"
        );
        assert!(meter.record_at(at(400), 40, false).is_some());
    }

    #[test]
    fn rate_is_bytes_over_the_recent_window() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut meter = Meter::new();
        meter.record_at(at(0), 0, true);
        assert_eq!(meter.record_at(at(500), 500_000, true), Some(1_000_000));
        // Ten seconds later, the early samples no longer count.
        meter.record_at(at(9_000), 1_000_000, true);
        assert_eq!(
            meter.record_at(at(10_000), 2_000_000, true),
            Some(1_000_000)
        );
    }
}
