//! The upload queue in the user's personal database (`uploads`), and the
//! cached material library. Every transition is one statement or one
//! transaction, and the ones a running upload makes are conditional on the
//! item still being `uploading`: a pause or cancel that lands first wins,
//! and the upload's late write changes nothing.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{MediaType, Reuse, UploadItem, UploadState};
use crate::error::{Error, Result};

/// One row of the queue: the item as the app sees it, plus what the queue
/// needs to carry on (where the prepared file is, where the upload is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueRow {
    pub(crate) item: UploadItem,
    /// The prepared file's name in the user's materials folder.
    pub(crate) file_name: Option<String>,
    pub(crate) upload_url: Option<String>,
}

const COLUMNS: &str = "id, state, display_name, media_type, sha256, size, file_name, draft_id, \
     slot_key, upload_url, confirmed_offset, material_ref, reuse, attempts, next_attempt_at_ms, \
     last_error, created_at_ms, updated_at_ms";

/// States a running upload may be in.
const PENDING: &str = "('queued', 'uploading', 'retry_waiting')";

fn media_type_name(t: MediaType) -> &'static str {
    t.type_name()
}

fn media_type_from(name: &str) -> rusqlite::Result<MediaType> {
    match name {
        "jpeg" => Ok(MediaType::Jpeg),
        "png" => Ok(MediaType::Png),
        "pdf" => Ok(MediaType::Pdf),
        other => Err(rusqlite::Error::InvalidColumnType(
            3,
            format!("media type {other}"),
            rusqlite::types::Type::Text,
        )),
    }
}

fn reuse_name(reuse: Reuse) -> &'static str {
    match reuse {
        Reuse::Uploaded => "uploaded",
        Reuse::SameFile => "same_file",
        Reuse::Licence => "licence",
    }
}

fn reuse_from(name: Option<&str>) -> Reuse {
    match name {
        Some("same_file") => Reuse::SameFile,
        Some("licence") => Reuse::Licence,
        _ => Reuse::Uploaded,
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<QueueRow> {
    let state: String = r.get(1)?;
    let media_type: String = r.get(3)?;
    let material_ref: Option<String> = r.get(11)?;
    let reuse: Option<String> = r.get(12)?;
    let attempts: i64 = r.get(13)?;
    let last_error: Option<String> = r.get(15)?;
    let size: i64 = r.get(5)?;
    let offset: i64 = r.get(10)?;
    let state = match state.as_str() {
        "uploading" => UploadState::Uploading,
        "paused" => UploadState::Paused,
        "retry_waiting" => UploadState::RetryWaiting {
            attempts: attempts as u32,
            next_attempt_at_ms: r.get(14)?,
            last_error: last_error.unwrap_or_default(),
        },
        "done" => UploadState::Done {
            material_ref: material_ref.unwrap_or_default(),
            reuse: reuse_from(reuse.as_deref()),
        },
        "failed" => UploadState::Failed {
            reason: last_error.unwrap_or_default(),
        },
        "cancelled" => UploadState::Cancelled,
        _ => UploadState::Queued,
    };
    Ok(QueueRow {
        item: UploadItem {
            id: r.get(0)?,
            display_name: r.get(2)?,
            media_type: media_type_from(&media_type)?,
            sha256: r.get(4)?,
            total_bytes: size as u64,
            sent_bytes: offset as u64,
            state,
            draft_id: r.get(7)?,
            slot_key: r.get(8)?,
            created_at_ms: r.get(16)?,
            updated_at_ms: r.get(17)?,
        },
        file_name: r.get(6)?,
        upload_url: r.get(9)?,
    })
}

pub(crate) fn insert(conn: &Connection, row: &QueueRow) -> Result<()> {
    let i = &row.item;
    let (state, material_ref, reuse) = match &i.state {
        UploadState::Done {
            material_ref,
            reuse,
        } => (
            "done",
            Some(material_ref.as_str()),
            Some(reuse_name(*reuse)),
        ),
        UploadState::Queued => ("queued", None, None),
        other => {
            return Err(Error::storage(format!(
                "a new upload item can't start as {other:?}"
            )));
        }
    };
    conn.execute(
        &format!(
            "INSERT INTO uploads ({COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?12, 0, 0, NULL, ?13, ?14)"
        ),
        params![
            i.id,
            state,
            i.display_name,
            media_type_name(i.media_type),
            i.sha256,
            i.total_bytes as i64,
            row.file_name,
            i.draft_id,
            i.slot_key,
            i.sent_bytes as i64,
            material_ref,
            reuse,
            i.created_at_ms,
            i.updated_at_ms,
        ],
    )?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Option<QueueRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

pub(crate) fn existing(conn: &Connection, id: &str) -> Result<QueueRow> {
    get(conn, id)?.ok_or_else(|| Error::NotFound {
        what: format!("upload {id}"),
    })
}

/// Every item, newest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<UploadItem>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM uploads ORDER BY created_at_ms DESC, rowid DESC"
    ))?;
    let rows = statement
        .query_map([], from_row)?
        .map(|r| r.map(|row| row.item))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Items that may start now (queued, or waiting with their time come),
/// oldest first, at most `limit`; `running` are skipped.
pub(crate) fn due(conn: &Connection, now_ms: i64, limit: usize) -> Result<Vec<QueueRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM uploads \
         WHERE state = 'queued' OR (state = 'retry_waiting' AND next_attempt_at_ms <= ?1) \
         ORDER BY created_at_ms, rowid LIMIT ?2"
    ))?;
    let rows = statement
        .query_map(params![now_ms, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// When the earliest waiting item is due, if any.
pub(crate) fn next_due_at(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT MIN(next_attempt_at_ms) FROM uploads WHERE state = 'retry_waiting'",
        [],
        |r| r.get(0),
    )?)
}

/// How many items still have work to do (paused ones not counted).
pub(crate) fn pending_count(conn: &Connection) -> Result<u32> {
    let n: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM uploads WHERE state IN {PENDING}"),
        [],
        |r| r.get(0),
    )?;
    Ok(n as u32)
}

/// A queued or due item becomes `uploading`; false when someone else
/// changed it first.
pub(crate) fn claim(conn: &Connection, id: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'uploading', updated_at_ms = ?2 \
         WHERE id = ?1 AND state IN ('queued', 'retry_waiting')",
        params![id, now_ms],
    )?;
    Ok(changed == 1)
}

/// After a restart nothing is running: what was uploading is queued again
/// and resumes from the platform's offset.
pub(crate) fn requeue_interrupted(conn: &Connection, now_ms: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE uploads SET state = 'queued', updated_at_ms = ?1 WHERE state = 'uploading'",
        [now_ms],
    )?)
}

/// The network is back: waiting items are due now.
pub(crate) fn all_due_now(conn: &Connection, now_ms: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE uploads SET next_attempt_at_ms = ?1 WHERE state = 'retry_waiting'",
        [now_ms],
    )?)
}

/// The upload exists on the platform at `url` (created, or created again
/// after the old one expired).
pub(crate) fn set_upload(
    conn: &Connection,
    id: &str,
    url: Option<&str>,
    offset: u64,
    now_ms: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET upload_url = ?2, confirmed_offset = ?3, updated_at_ms = ?4 \
         WHERE id = ?1 AND state = 'uploading'",
        params![id, url, offset as i64, now_ms],
    )?;
    Ok(changed == 1)
}

/// The platform confirmed holding `offset` bytes. False when the item is
/// no longer uploading (paused or cancelled meanwhile).
pub(crate) fn confirm_offset(
    conn: &Connection,
    id: &str,
    offset: u64,
    now_ms: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET confirmed_offset = ?2, attempts = 0, last_error = NULL, \
         updated_at_ms = ?3 WHERE id = ?1 AND state = 'uploading'",
        params![id, offset as i64, now_ms],
    )?;
    Ok(changed == 1)
}

/// Saves where an unfinished upload stands (a paused or cancelled one
/// too: a pause shows how far it got; a final item is left alone).
pub(crate) fn save_offset(conn: &Connection, id: &str, offset: u64, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE uploads SET confirmed_offset = ?2, updated_at_ms = ?3 \
         WHERE id = ?1 AND state IN ('queued', 'uploading', 'retry_waiting', 'paused')",
        params![id, offset as i64, now_ms],
    )?;
    Ok(())
}

/// The upload became a material.
pub(crate) fn finish(conn: &Connection, id: &str, material_ref: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'done', material_ref = ?2, reuse = 'uploaded', \
         confirmed_offset = size, file_name = NULL, upload_url = NULL, last_error = NULL, \
         updated_at_ms = ?3 WHERE id = ?1 AND state = 'uploading'",
        params![id, material_ref, now_ms],
    )?;
    Ok(changed == 1)
}

/// A try failed in a way that may pass; try again at `next_at_ms`.
pub(crate) fn postpone(
    conn: &Connection,
    id: &str,
    next_at_ms: i64,
    error: &str,
    now_ms: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'retry_waiting', attempts = attempts + 1, \
         next_attempt_at_ms = ?2, last_error = ?3, updated_at_ms = ?4 \
         WHERE id = ?1 AND state = 'uploading'",
        params![id, next_at_ms, error, now_ms],
    )?;
    Ok(changed == 1)
}

/// The platform refused the file for good.
pub(crate) fn fail(conn: &Connection, id: &str, reason: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'failed', last_error = ?2, file_name = NULL, \
         upload_url = NULL, updated_at_ms = ?3 WHERE id = ?1 AND state = 'uploading'",
        params![id, reason, now_ms],
    )?;
    Ok(changed == 1)
}

/// An upload stopped by a deadline goes back to the queue as it was.
pub(crate) fn unclaim(conn: &Connection, id: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'queued', updated_at_ms = ?2 \
         WHERE id = ?1 AND state = 'uploading'",
        params![id, now_ms],
    )?;
    Ok(changed == 1)
}

/// The user's pause: anything not finished stops where it is.
pub(crate) fn pause(conn: &Connection, id: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        &format!(
            "UPDATE uploads SET state = 'paused', updated_at_ms = ?2 \
             WHERE id = ?1 AND state IN {PENDING}"
        ),
        params![id, now_ms],
    )?;
    Ok(changed == 1)
}

/// The user's resume: a paused (or waiting) item is due at once.
pub(crate) fn resume(conn: &Connection, id: &str, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE uploads SET state = 'queued', attempts = 0, next_attempt_at_ms = 0, \
         updated_at_ms = ?2 WHERE id = ?1 AND state IN ('paused', 'retry_waiting')",
        params![id, now_ms],
    )?;
    Ok(changed == 1)
}

/// The user's cancel. Returns the row as it was before, when it was not
/// final yet (so its upload can be dropped and its file deleted).
pub(crate) fn cancel(conn: &mut Connection, id: &str, now_ms: i64) -> Result<Option<QueueRow>> {
    let tx = conn.transaction()?;
    let before = existing(&tx, id)?;
    if before.item.state.is_final() {
        return Ok(None);
    }
    tx.execute(
        "UPDATE uploads SET state = 'cancelled', file_name = NULL, upload_url = NULL, \
         updated_at_ms = ?2 WHERE id = ?1",
        params![id, now_ms],
    )?;
    tx.commit()?;
    Ok(Some(before))
}

/// Drops finished, failed and cancelled items from the queue.
pub(crate) fn clear_finished(conn: &Connection) -> Result<u32> {
    Ok(conn.execute(
        "DELETE FROM uploads WHERE state IN ('done', 'failed', 'cancelled')",
        [],
    )? as u32)
}

/// Every prepared file the queue still needs.
pub(crate) fn file_names(conn: &Connection) -> Result<Vec<String>> {
    let mut statement =
        conn.prepare("SELECT file_name FROM uploads WHERE file_name IS NOT NULL")?;
    let names = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

pub(crate) fn save_library(conn: &Connection, body: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO material_library (id, body, fetched_at_ms) VALUES (1, ?1, ?2)",
        params![body, now_ms],
    )?;
    Ok(())
}

pub(crate) fn cached_library(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT body FROM material_library WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}
