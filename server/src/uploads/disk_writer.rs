//! Writes a PATCH body to its file, and feeds the whole-file SHA-256, on a
//! blocking thread while the request's task goes on reading the network
//! (and hashing the chunk for its checksum): receiving, the two hashes and
//! the disk overlap instead of taking turns.

use std::fs::File;
use std::io::{BufWriter, Write};

use axum::body::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Big enough that a 50 MB upload is a few hundred writes.
const WRITE_BUFFER_BYTES: usize = 512 * 1024;

/// Frames waiting for the writer; bounds the memory one PATCH holds.
const QUEUED_FRAMES: usize = 32;

/// What the writer hands back: the file, and the hash of every byte it was
/// given on top of the one it started with.
pub(crate) type Written = std::io::Result<(File, Option<Sha256>)>;

pub(crate) struct DiskWriter {
    frames: mpsc::Sender<Bytes>,
    task: JoinHandle<Written>,
}

impl DiskWriter {
    /// Starts writing at `file`'s position, hashing into `whole` if given.
    pub(crate) fn start(file: File, mut whole: Option<Sha256>) -> DiskWriter {
        let (frames, mut queued) = mpsc::channel::<Bytes>(QUEUED_FRAMES);
        let task = tokio::task::spawn_blocking(move || {
            let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
            while let Some(data) = queued.blocking_recv() {
                if let Some(whole) = &mut whole {
                    whole.update(&data);
                }
                writer.write_all(&data)?;
            }
            // No fsync: the offset in SQLite (synchronous=NORMAL) is what
            // counts, and a crash losing the tail only makes a client resend it.
            let file = writer.into_inner().map_err(|error| error.into_error())?;
            Ok((file, whole))
        });
        DiskWriter { frames, task }
    }

    /// Queues `data`; false when the writer has stopped (a disk error,
    /// reported by `finish`).
    pub(crate) async fn write(&self, data: Bytes) -> bool {
        self.frames.send(data).await.is_ok()
    }

    /// Waits until everything queued is written.
    pub(crate) async fn finish(self) -> Written {
        drop(self.frames);
        self.task.await.map_err(std::io::Error::other)?
    }
}
