//! Replay protection for the verifier: a nonce seen within a
//! presentation's acceptance window is refused the second time.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::presentation::NONCE_LEN;

/// Remembers nonces until a time. Implementations may persist them (the
/// core keeps them across restarts); `&self` so one cache can serve
/// several verifying threads.
pub trait ReplayCache: Send + Sync {
    /// Records `nonce` as used until `until_ms` and says whether it had
    /// already been recorded and not yet expired at `now_ms`.
    fn seen(&self, nonce: &[u8; NONCE_LEN], until_ms: u64, now_ms: u64) -> bool;
}

/// A replay cache in memory; entries are dropped once past their window,
/// so it stays as small as the number of presentations per window.
#[derive(Debug, Default)]
pub struct InMemoryReplayCache {
    inner: Mutex<Nonces>,
}

#[derive(Debug, Default)]
struct Nonces {
    until: HashMap<[u8; NONCE_LEN], u64>,
    /// The earliest expiry in the map: pruning waits for it, so a check
    /// costs O(1) except when something can actually be dropped.
    earliest_until_ms: u64,
}

impl InMemoryReplayCache {
    pub fn new() -> InMemoryReplayCache {
        InMemoryReplayCache::default()
    }

    pub fn len(&self) -> usize {
        self.lock().until.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Nonces> {
        // The map stays consistent even if a holder panicked mid-call.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ReplayCache for InMemoryReplayCache {
    fn seen(&self, nonce: &[u8; NONCE_LEN], until_ms: u64, now_ms: u64) -> bool {
        let mut nonces = self.lock();
        if !nonces.until.is_empty() && now_ms >= nonces.earliest_until_ms {
            nonces.until.retain(|_, until| *until > now_ms);
            nonces.earliest_until_ms = nonces.until.values().copied().min().unwrap_or(0);
        }
        if let Some(until) = nonces.until.get_mut(nonce) {
            *until = (*until).max(until_ms);
            return true;
        }
        if nonces.until.is_empty() || until_ms < nonces.earliest_until_ms {
            nonces.earliest_until_ms = until_ms;
        }
        nonces.until.insert(*nonce, until_ms);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_refused_within_its_window_and_forgotten_after() {
        let cache = InMemoryReplayCache::new();
        assert!(!cache.seen(&[1; 16], 100, 0));
        assert!(!cache.seen(&[2; 16], 200, 10));
        assert!(cache.seen(&[1; 16], 100, 50));
        assert_eq!(cache.len(), 2);
        // At 100 the first nonce's window is over: dropped, usable again.
        assert!(!cache.seen(&[3; 16], 300, 100));
        assert_eq!(cache.len(), 2);
        assert!(!cache.seen(&[1; 16], 400, 150));
        assert!(cache.seen(&[2; 16], 200, 199));
        assert!(!cache.seen(&[4; 16], 500, 1_000));
        assert_eq!(cache.len(), 1);
    }
}
