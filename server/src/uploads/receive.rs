//! Streams one PATCH body to the upload's file as it arrives (never the
//! whole body in memory), hashed as it goes.
//!
//! The database offset is the truth: the file is cut to it before writing,
//! so bytes a crash or a discarded chunk left behind never count.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};

use super::checksum::Expected;
use super::disk_writer::DiskWriter;
use super::locks::Running;
use crate::materials::MediaType;
use crate::materials::sniff::SNIFF_BYTES;

/// A client silent this long is gone: its bytes so far are handled like a
/// body cut short, and the upload is free for its next PATCH.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What happened to one PATCH body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// All of it arrived and is kept.
    Complete,
    /// The connection ended early; without a checksum the bytes that did
    /// arrive are kept (`kept`), with one they were discarded.
    CutShort { kept: bool },
    /// All of it arrived but doesn't match `Upload-Checksum`: discarded.
    ChecksumMismatch,
    /// It would go past `Upload-Length`: discarded.
    TooLong,
    /// The file's first bytes are not a JPEG, PNG or PDF: discarded, and
    /// nothing more is read.
    NotAMaterial,
}

pub(crate) struct Received {
    pub(crate) outcome: Outcome,
    /// Body bytes read, kept or not.
    pub(crate) read: u64,
    /// The upload's offset after this PATCH.
    pub(crate) offset: u64,
}

/// The upload being written to.
pub(crate) struct Target<'a> {
    pub(crate) path: &'a Path,
    pub(crate) offset: u64,
    pub(crate) length: u64,
}

/// Writes `body` at `target.offset`, checking it against `checksum`, and
/// keeps `running` (the whole-file hash) up to date with what is kept.
pub(crate) async fn receive(
    body: Body,
    target: Target<'_>,
    checksum: Option<&Expected>,
    running: &mut Running,
) -> std::io::Result<Received> {
    let path = target.path.to_path_buf();
    let offset = target.offset;
    let (file, mut head) = tokio::task::spawn_blocking(move || open_at(&path, offset))
        .await
        .map_err(std::io::Error::other)??;

    // The file's first bytes, to refuse a wrong file before it all arrives.
    let mut sniffing = target.offset < SNIFF_BYTES as u64;
    let whole = match running.hash.take() {
        Some((covered, hasher)) if covered == target.offset => Some(hasher),
        _ if target.offset == 0 => Some(Sha256::new()),
        _ => None,
    };
    // Restored if this chunk is discarded: a hash state is a few words.
    let before = whole.clone();
    let writer = DiskWriter::start(file, whole);
    let mut chunk = checksum.map(Expected::hasher);
    let room = target.length - target.offset;
    let mut read = 0u64;

    let mut body = body;
    let ended = loop {
        let frame = match tokio::time::timeout(IDLE_TIMEOUT, body.frame()).await {
            Ok(Some(Ok(frame))) => frame,
            Ok(None) => break None,
            // A broken connection, or one idle past the timeout.
            Ok(Some(Err(_))) | Err(_) => break Some(Outcome::CutShort { kept: false }),
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry nothing to store
        };
        read += data.len() as u64;
        if read > room {
            break Some(Outcome::TooLong);
        }
        if sniffing {
            let wanted = (SNIFF_BYTES - head.len()).min(data.len());
            head.extend_from_slice(&data[..wanted]);
            if !MediaType::may_start(&head) {
                break Some(Outcome::NotAMaterial);
            }
            sniffing = head.len() < SNIFF_BYTES;
        }
        if let Some(chunk) = &mut chunk {
            chunk.update(&data);
        }
        if !writer.write(data).await {
            break None; // the writer failed; `finish` says why
        }
    };
    let (file, whole) = writer.finish().await?;

    let outcome = match ended {
        None => match (checksum, chunk) {
            (Some(expected), Some(hasher)) if !expected.matches(&hasher) => {
                Outcome::ChecksumMismatch
            }
            _ => Outcome::Complete,
        },
        Some(Outcome::CutShort { .. }) => Outcome::CutShort {
            // Bytes that can't be checked against the checksum aren't kept.
            kept: checksum.is_none(),
        },
        Some(other) => other,
    };
    let kept = matches!(
        outcome,
        Outcome::Complete | Outcome::CutShort { kept: true }
    );
    if !kept {
        tokio::task::spawn_blocking(move || file.set_len(offset))
            .await
            .map_err(std::io::Error::other)??;
        running.hash = before.map(|hasher| (target.offset, hasher));
        return Ok(Received {
            outcome,
            read,
            offset: target.offset,
        });
    }
    // Bytes past a TooLong or NotAMaterial frame never reached the writer,
    // so what it wrote is exactly what was read.
    let offset = target.offset + read;
    running.hash = whole.map(|hasher| (offset, hasher));
    Ok(Received {
        outcome,
        read,
        offset,
    })
}

/// Opens the upload's file positioned at `offset`, cutting off bytes past
/// it, and reads its first bytes if `offset` is still within the magic
/// number.
fn open_at(path: &Path, offset: u64) -> std::io::Result<(std::fs::File, Vec<u8>)> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let on_disk = file.metadata()?.len();
    if on_disk < offset {
        return Err(std::io::Error::other(format!(
            "the file has {on_disk} bytes, the upload's offset says {offset}"
        )));
    }
    file.set_len(offset)?;
    let mut head = Vec::new();
    if offset < SNIFF_BYTES as u64 {
        (&mut file).take(offset).read_to_end(&mut head)?;
    }
    file.seek(SeekFrom::Start(offset))?;
    Ok((file, head))
}
