//! Sending a file's bytes to an upload, chunk after chunk, from the offset
//! the server holds. The next chunk is read and hashed while the current
//! one is on the wire, so checksums cost no throughput.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::task::JoinHandle;
use url::Url;

use super::client::{Chunk, TusClient};
use super::error::TusError;
use super::stop::StopSignal;
use crate::error::Error;

/// A chunk refused as damaged (460) is sent again this many times before
/// the transfer gives up for now.
const CHECKSUM_RETRIES: u32 = 3;

/// How big the chunks of a transfer are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkSize {
    /// Always this many bytes: a cut costs at most this much sent again.
    Fixed(u64),
    /// 1 MiB to start; doubled while chunks go through in under a quarter
    /// of a second, up to 8 MiB; halved when one takes over a second, and
    /// back to 1 MiB after any failure. Fast links then pay the per-request
    /// cost rarely, and a cut never costs much more than a second's worth.
    Adaptive,
}

impl ChunkSize {
    pub const ADAPTIVE_START: u64 = 1024 * 1024;
    pub const ADAPTIVE_MAX: u64 = 8 * 1024 * 1024;
    const GROW_BELOW: Duration = Duration::from_millis(250);
    const SHRINK_ABOVE: Duration = Duration::from_secs(1);

    /// `UploadSettings::chunk_bytes`: 0 means adaptive.
    pub fn from_setting(chunk_bytes: u64) -> Self {
        match chunk_bytes {
            0 => ChunkSize::Adaptive,
            bytes => ChunkSize::Fixed(bytes),
        }
    }

    fn first(self) -> u64 {
        match self {
            ChunkSize::Fixed(bytes) => bytes.max(1),
            ChunkSize::Adaptive => Self::ADAPTIVE_START,
        }
    }

    /// The next chunk's size after one of `current` bytes took `took`.
    fn after(self, current: u64, took: Duration) -> u64 {
        match self {
            ChunkSize::Fixed(bytes) => bytes.max(1),
            ChunkSize::Adaptive if took < Self::GROW_BELOW => (current * 2).min(Self::ADAPTIVE_MAX),
            ChunkSize::Adaptive if took > Self::SHRINK_ABOVE => {
                (current / 2).max(Self::ADAPTIVE_START)
            }
            ChunkSize::Adaptive => current,
        }
    }
}

/// What one step of a transfer achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The server holds everything up to this offset.
    Confirmed(u64),
    /// The server holds the whole file. `material_id` when the server
    /// turned it into a material (the reference platform does).
    Finished { material_id: Option<String> },
}

pub struct FileTransfer {
    client: TusClient,
    upload_url: Url,
    path: PathBuf,
    length: u64,
    chunk_size: ChunkSize,
    /// The size of the next chunk read.
    chunk_bytes: u64,
    offset: u64,
    next_chunk: Option<JoinHandle<std::io::Result<Chunk>>>,
    handed_over: Arc<AtomicU64>,
}

impl FileTransfer {
    /// A transfer of the `length` bytes of `path` to `upload_url`, which
    /// holds `offset` of them (from creation or a HEAD).
    pub fn new(
        client: TusClient,
        upload_url: Url,
        path: PathBuf,
        length: u64,
        offset: u64,
        chunk_size: ChunkSize,
    ) -> Self {
        Self {
            client,
            upload_url,
            path,
            length,
            chunk_size,
            chunk_bytes: chunk_size.first(),
            offset,
            next_chunk: None,
            handed_over: Arc::new(AtomicU64::new(0)),
        }
    }

    /// What the server confirmed holding.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn upload_url(&self) -> &Url {
        &self.upload_url
    }

    /// Bytes of the current chunk given to the connection so far.
    pub fn in_flight(&self) -> Arc<AtomicU64> {
        self.handed_over.clone()
    }

    /// Asks the server (HEAD) where the upload stands: after a cut
    /// connection, a restart, or an answer that got lost.
    pub async fn resync(&mut self) -> Result<Step, TusError> {
        let status = self.client.status(&self.upload_url).await?;
        self.offset = status.offset;
        if status.offset >= self.length {
            return Ok(Step::Finished {
                material_id: status.material_id,
            });
        }
        Ok(Step::Confirmed(status.offset))
    }

    /// Sends the next chunk and returns what the server then holds.
    pub async fn next(&mut self, stop: &mut StopSignal) -> Result<Step, TusError> {
        if self.offset >= self.length {
            return self.resync().await;
        }
        // The last chunk's count would read as progress of this one.
        self.handed_over
            .store(0, std::sync::atomic::Ordering::Relaxed);
        let chunk = self.take_chunk().await?;
        if chunk.end() < self.length {
            self.next_chunk = Some(self.read_ahead(chunk.end()));
        }
        let mut damaged = 0;
        loop {
            if stop.is_stopped() {
                return Err(TusError::Stopped);
            }
            let started = Instant::now();
            let sent = self
                .client
                .send_chunk(&self.upload_url, &chunk, &self.handed_over, stop)
                .await;
            self.chunk_bytes = match &sent {
                Ok(_) => self
                    .chunk_size
                    .after(chunk.data.len() as u64, started.elapsed()),
                Err(_) => self.chunk_size.first(),
            };
            match sent {
                Ok(patched) => {
                    self.offset = patched.offset;
                    if patched.offset >= self.length {
                        return Ok(Step::Finished {
                            material_id: patched.material_id,
                        });
                    }
                    return Ok(Step::Confirmed(patched.offset));
                }
                Err(TusError::ChecksumMismatch) if damaged < CHECKSUM_RETRIES => damaged += 1,
                Err(TusError::ChecksumMismatch) => {
                    return Err(TusError::Transient {
                        error: Error::protocol("a chunk kept arriving damaged"),
                        retry_after: None,
                    });
                }
                // Someone else's view of the offset was right: ask and go on from there.
                Err(TusError::OffsetMismatch) => return self.resync().await,
                Err(other) => return Err(other),
            }
        }
    }

    /// The chunk at the current offset: the one read ahead when it fits.
    async fn take_chunk(&mut self) -> Result<Chunk, TusError> {
        let pending = match self.next_chunk.take() {
            Some(ahead) => ahead,
            None => self.read_ahead(self.offset),
        };
        let chunk = pending
            .await
            .map_err(|e| Error::storage(format!("reading the file failed: {e}")))?
            .map_err(|e| Error::storage(format!("cannot read the prepared file: {e}")))?;
        if chunk.offset == self.offset {
            return Ok(chunk);
        }
        let chunk = self
            .read_ahead(self.offset)
            .await
            .map_err(|e| Error::storage(format!("reading the file failed: {e}")))?
            .map_err(|e| Error::storage(format!("cannot read the prepared file: {e}")))?;
        Ok(chunk)
    }

    fn read_ahead(&self, offset: u64) -> JoinHandle<std::io::Result<Chunk>> {
        let path = self.path.clone();
        let len = self.chunk_bytes.min(self.length - offset) as usize;
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::open(&path)?;
            file.seek(SeekFrom::Start(offset))?;
            let mut data = vec![0; len];
            file.read_exact(&mut data)?;
            Ok(Chunk::new(offset, Bytes::from(data)))
        })
    }
}

impl Drop for FileTransfer {
    fn drop(&mut self) {
        if let Some(ahead) = self.next_chunk.take() {
            ahead.abort();
        }
    }
}

/// Sends a whole file from where the server stands, stopping at the first
/// error: for tools and tests that need no queue around the protocol.
pub async fn send_file(
    client: &TusClient,
    upload_url: &Url,
    path: PathBuf,
    chunk_size: ChunkSize,
) -> Result<Option<String>, TusError> {
    let length = std::fs::metadata(&path)
        .map_err(|e| Error::storage(format!("cannot read {}: {e}", path.display())))?
        .len();
    let mut transfer = FileTransfer::new(
        client.clone(),
        upload_url.clone(),
        path,
        length,
        0,
        chunk_size,
    );
    let mut stop = StopSignal::never();
    let mut step = transfer.resync().await?;
    loop {
        if let Step::Finished { material_id } = step {
            return Ok(material_id);
        }
        step = transfer.next(&mut stop).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_chunks_grow_on_fast_links_and_shrink_on_slow_ones() {
        let adaptive = ChunkSize::Adaptive;
        let fast = Duration::from_millis(10);
        let slow = Duration::from_secs(3);
        let mut size = adaptive.first();
        assert_eq!(size, ChunkSize::ADAPTIVE_START);
        for _ in 0..10 {
            size = adaptive.after(size, fast);
        }
        assert_eq!(size, ChunkSize::ADAPTIVE_MAX);
        size = adaptive.after(size, slow);
        assert_eq!(size, ChunkSize::ADAPTIVE_MAX / 2);
        assert_eq!(adaptive.after(size, Duration::from_millis(500)), size);
        let fixed = ChunkSize::from_setting(256 * 1024);
        assert_eq!(fixed.after(256 * 1024, fast), 256 * 1024);
        assert_eq!(ChunkSize::from_setting(0), ChunkSize::Adaptive);
    }
}
