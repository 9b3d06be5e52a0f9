//! The presentation stream: a fresh QR a little before the current one
//! expires, for as long as the screen shows it.
//!
//! The UI reads `next()` and draws a countdown to `expires_at_ms`. Only the
//! newest presentation matters, so one the screen did not read in time is
//! skipped. A presentation that cannot be made (an online token with the
//! network gone, a licence deleted) ends the stream with that error, so
//! the screen can say why or switch to an offline QR.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::model::Presentation;
use crate::error::Result;
use crate::time_util::now_ms;

pub struct PresentationStream {
    updates: mpsc::UnboundedReceiver<Result<Presentation>>,
    producer: JoinHandle<()>,
}

impl PresentationStream {
    /// Calls `make` now and again `refresh_before` ahead of each expiry.
    pub(crate) fn start<F, Fut>(refresh_before: Duration, make: F) -> Self
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Presentation>> + Send,
    {
        let (sender, updates) = mpsc::unbounded_channel();
        let producer = tokio::spawn(async move {
            loop {
                let made = make().await;
                let next_at_ms = made.as_ref().ok().map(|p| refresh_at_ms(p, refresh_before));
                if sender.send(made).is_err() {
                    return;
                }
                let Some(next_at_ms) = next_at_ms else {
                    return;
                };
                let wait = (next_at_ms - now_ms()).max(0) as u64;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
                    _ = sender.closed() => return,
                }
            }
        });
        Self { updates, producer }
    }

    /// The newest presentation (waiting for it if it is not made yet);
    /// an error once, if one could not be made; then None.
    pub async fn next(&mut self) -> Option<Result<Presentation>> {
        let mut newest = self.updates.recv().await?;
        while let Ok(newer) = self.updates.try_recv() {
            newest = newer;
        }
        Some(newest)
    }
}

impl Drop for PresentationStream {
    fn drop(&mut self) {
        self.producer.abort();
    }
}

/// When the next one is made: `refresh_before` ahead of expiry, but never
/// before half the lifetime has passed (a short lifetime still shows).
fn refresh_at_ms(p: &Presentation, refresh_before: Duration) -> i64 {
    let lifetime = p.expires_at_ms - p.issued_at_ms;
    let early = (refresh_before.as_millis() as i64).min(lifetime / 2);
    p.expires_at_ms - early
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::error::Error;

    fn presentation(lifetime_ms: i64) -> Presentation {
        let issued_at_ms = now_ms();
        Presentation {
            qr_text: format!("BST1:{issued_at_ms}"),
            issued_at_ms,
            expires_at_ms: issued_at_ms + lifetime_ms,
        }
    }

    #[test]
    fn refreshes_ahead_of_expiry_but_not_before_half_the_lifetime() {
        let p = Presentation {
            qr_text: String::new(),
            issued_at_ms: 0,
            expires_at_ms: 30_000,
        };
        assert_eq!(refresh_at_ms(&p, Duration::from_secs(3)), 27_000);
        assert_eq!(refresh_at_ms(&p, Duration::from_secs(60)), 15_000);
    }

    #[tokio::test]
    async fn a_new_presentation_comes_before_the_old_one_expires() {
        let mut stream = PresentationStream::start(Duration::from_millis(1_000), || async {
            Ok(presentation(2_000))
        });
        let first = stream.next().await.unwrap().unwrap();
        let second = stream.next().await.unwrap().unwrap();
        assert!(second.issued_at_ms < first.expires_at_ms);
        assert!(second.expires_at_ms > first.expires_at_ms);
    }

    #[tokio::test]
    async fn a_failure_ends_the_stream_with_its_error() {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = calls.clone();
        let mut stream = PresentationStream::start(Duration::from_millis(10), move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    Ok(presentation(40))
                } else {
                    Err(Error::Offline {
                        reason: "gone".into(),
                    })
                }
            }
        });
        assert!(stream.next().await.unwrap().is_ok());
        assert!(matches!(
            stream.next().await,
            Some(Err(Error::Offline { .. }))
        ));
        assert!(stream.next().await.is_none());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
