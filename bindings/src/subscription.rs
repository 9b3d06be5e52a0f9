//! Subscriptions across the FFI: a listener the app implements, and a handle
//! that stops the stream on cancel() or when it is dropped (garbage
//! collected in Kotlin, deinit in Swift).

use std::sync::{Arc, Mutex};

use banshitong_core::auth::SessionState;
use banshitong_core::events::{Connectivity, Subscription};
use tokio::task::JoinHandle;

use crate::error::BstError;
use crate::runtime::RUNTIME;

#[uniffi::export(with_foreign)]
pub trait ConnectivityListener: Send + Sync {
    fn on_change(&self, state: Connectivity) -> Result<(), BstError>;
}

#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    fn on_change(&self, state: SessionState) -> Result<(), BstError>;
}

#[derive(uniffi::Object)]
pub struct SubscriptionHandle {
    task: Mutex<Option<JoinHandle<()>>>,
}

#[uniffi::export]
impl SubscriptionHandle {
    /// Stops the stream; the listener is not called again. Idempotent.
    pub fn cancel(&self) {
        if let Some(task) = self.lock().take() {
            task.abort();
        }
    }

    /// False once cancelled, or once the client behind it is gone.
    pub fn is_active(&self) -> bool {
        self.lock().as_ref().is_some_and(|task| !task.is_finished())
    }
}

impl SubscriptionHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.task.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for SubscriptionHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// What `forward` reads from: values until it ends. A core `Subscription`
/// is one; so is the drafts' `DraftSubscription`, which is not a
/// `Subscription` because it re-reads the draft after each change.
pub(crate) trait Updates: Send + 'static {
    type Item: Send + 'static;
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + Send;
}

impl<T: Clone + Send + Sync + 'static> Updates for Subscription<T> {
    type Item = T;
    fn next(&mut self) -> impl Future<Output = Option<T>> + Send {
        Subscription::next(self)
    }
}

/// Forwards each value of `updates` to `deliver` on the core's runtime.
pub(crate) fn forward<U, F>(mut updates: U, deliver: F) -> Arc<SubscriptionHandle>
where
    U: Updates,
    F: Fn(U::Item) -> Result<(), BstError> + Send + 'static,
{
    let task = RUNTIME.spawn(async move {
        while let Some(value) = updates.next().await {
            if let Err(e) = deliver(value) {
                // The app's listener threw; keep delivering: one bad frame
                // must not freeze the UI's state for good.
                tracing::warn!(error = %e, "subscription listener failed");
            }
        }
    });
    Arc::new(SubscriptionHandle {
        task: Mutex::new(Some(task)),
    })
}
