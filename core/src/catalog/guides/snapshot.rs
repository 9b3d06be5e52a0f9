//! Importing the platform's gzip snapshot: on a first install over the
//! network, or from a file the app ships in its package (no network at
//! all). The import is one transaction and ends with the snapshot's cursor,
//! so the next sync fetches only what changed since it was made.

use std::io::{BufReader, Read};

use flate2::read::GzDecoder;
use rusqlite::Connection;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::store;
use super::wire::Snapshot;
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

fn read_snapshot(reader: impl Read) -> Result<Snapshot> {
    let reader = BufReader::with_capacity(256 * 1024, GzDecoder::new(reader));
    let snapshot: Snapshot = serde_json::from_reader(reader).map_err(|e| {
        if e.is_io() {
            Error::invalid_input(format!(
                "the catalog snapshot is not a readable gzip file: {e}"
            ))
        } else {
            Error::invalid_input(format!("the catalog snapshot is malformed: {e}"))
        }
    })?;
    snapshot
        .check()
        .map_err(|e| Error::invalid_input(e.to_string()))?;
    Ok(snapshot)
}

/// Imports a gzip snapshot unless the catalog has been synced before (a
/// shipped snapshot is older than anything a sync brought).
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
    let snapshot = read_snapshot(gzip)?;
    let tx = conn.transaction()?;
    let generation = store::begin_full_pass(&tx)?;
    for guide in &snapshot.guides {
        store::upsert(&tx, guide, generation)?;
    }
    store::end_full_pass(&tx, generation)?;
    let made_at = snapshot
        .generated_at
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or_else(now_ms);
    store::set_cursor(&tx, &snapshot.cursor, made_at)?;
    store::set_snapshot_etag(&tx, etag)?;
    let guides = store::count(&tx)?;
    tx.commit()?;
    Ok(SnapshotImport {
        imported: true,
        guides,
    })
}
