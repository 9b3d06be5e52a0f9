//! Values that change over time, and subscriptions to them.
//!
//! A subscriber always gets the current value first and then each change,
//! so a screen that subscribes late still draws the right state at once.
//! Intermediate values may be skipped when changes come faster than the
//! subscriber reads: subscribers want the state, not a log of it.

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Clone)]
pub struct Watched<T> {
    sender: Arc<watch::Sender<T>>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Watched<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Watched")
            .field(&*self.sender.borrow())
            .finish()
    }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Watched<T> {
    pub fn new(initial: T) -> Self {
        Self {
            sender: Arc::new(watch::Sender::new(initial)),
        }
    }

    pub fn get(&self) -> T {
        self.sender.borrow().clone()
    }

    /// Changes the value; subscribers hear of it only if it really changed.
    pub fn set(&self, value: T) {
        self.sender.send_if_modified(|current| {
            if *current == value {
                false
            } else {
                *current = value;
                true
            }
        });
    }

    pub fn subscribe(&self) -> Subscription<T> {
        Subscription {
            receiver: self.sender.subscribe(),
            delivered_current: false,
        }
    }
}

pub struct Subscription<T> {
    receiver: watch::Receiver<T>,
    delivered_current: bool,
}

impl<T: Clone> Subscription<T> {
    /// The current value on the first call, then the next change. None once
    /// the value's owner (the client) is gone.
    pub async fn next(&mut self) -> Option<T> {
        if self.delivered_current {
            self.receiver.changed().await.ok()?;
        }
        self.delivered_current = true;
        Some(self.receiver.borrow_and_update().clone())
    }
}

/// Whether the platform could be reached, as last seen by the HTTP layer.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// No request has been made yet.
    Unknown,
    /// The last request got an answer (even an error answer).
    Online,
    /// The last request could not reach the platform.
    Offline,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn current_value_first_then_changes_only() {
        let watched = Watched::new(Connectivity::Unknown);
        let mut sub = watched.subscribe();
        assert_eq!(sub.next().await, Some(Connectivity::Unknown));
        watched.set(Connectivity::Unknown);
        watched.set(Connectivity::Online);
        assert_eq!(sub.next().await, Some(Connectivity::Online));
        drop(watched);
        assert_eq!(sub.next().await, None);
    }
}
