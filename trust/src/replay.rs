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
    nonces: Mutex<HashMap<[u8; NONCE_LEN], u64>>,
}

impl InMemoryReplayCache {
    pub fn new() -> InMemoryReplayCache {
        InMemoryReplayCache::default()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; NONCE_LEN], u64>> {
        // The map stays consistent even if a holder panicked mid-call.
        self.nonces.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ReplayCache for InMemoryReplayCache {
    fn seen(&self, nonce: &[u8; NONCE_LEN], until_ms: u64, now_ms: u64) -> bool {
        let mut nonces = self.lock();
        nonces.retain(|_, until| *until > now_ms);
        match nonces.get_mut(nonce) {
            Some(until) => {
                *until = (*until).max(until_ms);
                true
            }
            None => {
                nonces.insert(*nonce, until_ms);
                false
            }
        }
    }
}
