//! One PATCH at a time per upload. A second one gets 409 rather than
//! interleaving its bytes with the first's.
//!
//! The lock also keeps the running SHA-256 of the bytes received so far,
//! so the PATCH that completes an upload needn't read the whole file again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::Sha256;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// What a PATCH learns about an upload that the next one can use.
#[derive(Default)]
pub(crate) struct Running {
    /// The SHA-256 state of the first `covered` bytes. Lost on restart,
    /// then the whole file is hashed when it completes.
    pub(crate) hash: Option<(u64, Sha256)>,
}

pub(crate) type Held = OwnedMutexGuard<Running>;

#[derive(Clone, Default)]
pub(crate) struct Locks {
    by_id: Arc<Mutex<HashMap<String, Arc<AsyncMutex<Running>>>>>,
}

impl Locks {
    fn entry(&self, id: &str) -> Arc<AsyncMutex<Running>> {
        let mut map = self.by_id.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(id.to_owned()).or_default())
    }

    /// The upload's lock if nobody holds it.
    pub(crate) fn try_hold(&self, id: &str) -> Option<Held> {
        self.entry(id).try_lock_owned().ok()
    }

    /// The upload's lock, waiting at most `patience` for a PATCH to end.
    pub(crate) async fn hold(&self, id: &str, patience: std::time::Duration) -> Option<Held> {
        tokio::time::timeout(patience, self.entry(id).lock_owned())
            .await
            .ok()
    }

    /// Drops the upload's entry once it can't be written again (finished,
    /// terminated, expired). Called while holding it, after the database
    /// says so, so a PATCH that takes a fresh entry sees the new state.
    pub(crate) fn forget(&self, id: &str) {
        let mut map = self.by_id.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(id);
    }
}
