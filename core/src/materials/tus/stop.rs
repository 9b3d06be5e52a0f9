//! Asking a running transfer to stop (pause, cancel, a background deadline).

use tokio::sync::watch;

/// Held by whoever may stop the transfer.
#[derive(Debug)]
pub struct StopHandle(watch::Sender<bool>);

/// Held by the transfer; cheap to clone.
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopHandle {
    pub fn new() -> (StopHandle, StopSignal) {
        let (sender, receiver) = watch::channel(false);
        (StopHandle(sender), StopSignal(receiver))
    }

    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl StopSignal {
    /// A signal nobody will ever raise.
    pub fn never() -> StopSignal {
        let (sender, receiver) = watch::channel(false);
        // Keeping the sender alive would leak; a closed channel that says
        // "false" never fires either.
        drop(sender);
        StopSignal(receiver)
    }

    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once the transfer was asked to stop; never when it can't be.
    pub async fn stopped(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
