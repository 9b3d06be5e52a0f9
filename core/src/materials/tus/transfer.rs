//! Sending a file's bytes to an upload, chunk after chunk, from the offset
//! the server holds. The next chunk is read and hashed while the current
//! one is on the wire, so checksums cost no throughput.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

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
        chunk_bytes: u64,
    ) -> Self {
        Self {
            client,
            upload_url,
            path,
            length,
            chunk_bytes: chunk_bytes.max(1),
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
        let chunk = self.take_chunk().await?;
        if chunk.end() < self.length {
            self.next_chunk = Some(self.read_ahead(chunk.end()));
        }
        let mut damaged = 0;
        loop {
            if stop.is_stopped() {
                return Err(TusError::Stopped);
            }
            match self
                .client
                .send_chunk(&self.upload_url, &chunk, &self.handed_over, stop)
                .await
            {
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
    chunk_bytes: u64,
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
        chunk_bytes,
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
