//! Importing the platform's gzip snapshot: on a first install over the
//! network, or from a file the app ships in its package (no network at
//! all). The import is one transaction and ends with the snapshot's cursor,
//! so the next sync fetches only what changed since it was made.

use std::io::BufReader;

use flate2::read::GzDecoder;
use rusqlite::Connection;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::snapshot_reader::{self, ReadError};
use super::store;
use super::wire::{SNAPSHOT_FORMAT, check_guide, is_cursor};
use crate::error::{Error, Result};
use crate::time_util::now_ms;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SnapshotImport {
    /// False when the catalog had been synced already and was left alone.
    pub imported: bool,
    pub guides: u64,
}

fn unreadable(e: serde_json::Error) -> Error {
    if e.is_io() {
        Error::invalid_input(format!(
            "the catalog snapshot is not a readable gzip file: {e}"
        ))
    } else {
        Error::invalid_input(format!("the catalog snapshot is malformed: {e}"))
    }
}

/// Imports a gzip snapshot unless the catalog has been synced before (a
/// shipped snapshot is older than anything a sync brought). Guides are
/// stored as they are read; anything wrong anywhere in the file rolls the
/// whole import back.
pub(crate) fn import_gzip(
    conn: &mut Connection,
    gzip: &[u8],
    etag: Option<&str>,
) -> Result<SnapshotImport> {
    if store::sync_state(conn)?.cursor.is_some() {
        return Ok(SnapshotImport {
            imported: false,
            guides: store::count(conn)?,
        });
    }
    let tx = conn.transaction()?;
    let generation = store::begin_full_pass(&tx)?;
    let reader = BufReader::with_capacity(256 * 1024, GzDecoder::new(gzip));
    let header = snapshot_reader::read(reader, &mut |guide| {
        check_guide(&guide).map_err(|e| Error::invalid_input(e.to_string()))?;
        store::upsert(&tx, &guide, generation)
    })
    .map_err(|e| match e {
        ReadError::Json(e) => unreadable(e),
        ReadError::Callback(e) => e,
    })?;
    if header.format != Some(SNAPSHOT_FORMAT) {
        return Err(Error::invalid_input(format!(
            "catalog snapshot format {:?} is not supported (expected {SNAPSHOT_FORMAT})",
            header.format
        )));
    }
    let cursor = header
        .cursor
        .filter(|c| is_cursor(c))
        .ok_or_else(|| Error::invalid_input("the catalog snapshot has no valid cursor"))?;
    store::end_full_pass(&tx, generation)?;
    let made_at = header
        .generated_at
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or_else(now_ms);
    store::set_cursor(&tx, &cursor, made_at)?;
    store::set_snapshot_etag(&tx, etag)?;
    let guides = store::count(&tx)?;
    tx.commit()?;
    Ok(SnapshotImport {
        imported: true,
        guides,
    })
}
