//! Telling live connections that something changed. Every committed change
//! of an application announces "user U changed up to seq N" on a broadcast
//! channel; each `GET /api/v1/events` connection listens, and on a notice
//! for its user reads that user's changes after the last one it sent from
//! the database. The notice carries no data, so a connection that lagged
//! behind the channel loses nothing: it reads the database all the same.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// Notices a slow connection may fall behind by before it is told it
/// lagged (and then simply reads the database).
const CAPACITY: usize = 1024;

/// One committed change.
#[derive(Debug, Clone)]
pub(crate) struct Changed {
    pub(crate) user_id: Arc<str>,
    pub(crate) change_seq: i64,
}

/// The channel, the heartbeat interval of event streams, and the signal
/// that the server is stopping (open streams end, so a graceful shutdown
/// doesn't wait for them forever).
#[derive(Clone)]
pub(crate) struct LiveChanges {
    sender: broadcast::Sender<Changed>,
    pub(crate) heartbeat: Duration,
    pub(crate) stopping: CancellationToken,
}

impl LiveChanges {
    pub(crate) fn new(heartbeat: Duration, stopping: CancellationToken) -> LiveChanges {
        let (sender, _) = broadcast::channel(CAPACITY);
        LiveChanges {
            sender,
            heartbeat,
            stopping,
        }
    }

    /// Announces a committed change of `user_id`'s. Nobody listening is fine.
    pub(crate) fn announce(&self, user_id: &str, change_seq: i64) {
        let _ = self.sender.send(Changed {
            user_id: Arc::from(user_id),
            change_seq,
        });
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }
}
