//! A chunk's bytes as a request body that reports how far it got: the
//! progress bar moves while a chunk is on the wire, and a transfer that
//! stops moving is noticed (a stall) without a whole-request timeout that a
//! slow link would hit.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;

/// Handed to the connection in pieces this big: small enough for smooth
/// progress, big enough to cost nothing.
const PIECE: usize = 64 * 1024;

pub(crate) struct CountingBody {
    data: Bytes,
    position: usize,
    handed_over: Arc<AtomicU64>,
}

impl CountingBody {
    /// Counts into `handed_over` from zero.
    pub(crate) fn new(data: Bytes, handed_over: Arc<AtomicU64>) -> Self {
        handed_over.store(0, Ordering::Relaxed);
        Self {
            data,
            position: 0,
            handed_over,
        }
    }
}

impl futures_core::Stream for CountingBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.position >= self.data.len() {
            return Poll::Ready(None);
        }
        let end = (self.position + PIECE).min(self.data.len());
        let piece = self.data.slice(self.position..end);
        self.position = end;
        self.handed_over
            .fetch_add(piece.len() as u64, Ordering::Relaxed);
        Poll::Ready(Some(Ok(piece)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.data.len() - self.position).div_ceil(PIECE);
        (left, Some(left))
    }
}
