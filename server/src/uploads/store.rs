//! The `uploads` table.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// Sizes and counts are `u64` in Rust and INTEGER (i64) in SQLite; no
/// upload comes near 2^63 bytes.
fn sql(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn size(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Receiving,
    Finished,
    Expired,
}

impl State {
    fn from_column(text: &str) -> State {
        match text {
            "finished" => State::Finished,
            "expired" => State::Expired,
            _ => State::Receiving,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) id: String,
    pub(crate) length: u64,
    pub(crate) offset: u64,
    /// The `Upload-Metadata` header as sent, echoed by HEAD.
    pub(crate) metadata: String,
    pub(crate) filename: Option<String>,
    pub(crate) filetype: Option<String>,
    pub(crate) sha256: Option<String>,
    pub(crate) state: State,
    pub(crate) material_id: Option<String>,
    pub(crate) expires_at_ms: i64,
}

impl Upload {
    /// Whether the upload can't be written any more because it expired
    /// (its row may not have been swept yet).
    pub(crate) fn is_expired(&self, now_ms: i64) -> bool {
        self.state == State::Expired
            || (self.state == State::Receiving && self.expires_at_ms <= now_ms)
    }
}

pub(crate) struct NewUpload<'a> {
    pub(crate) id: &'a str,
    pub(crate) user_id: &'a str,
    pub(crate) length: u64,
    pub(crate) metadata: &'a str,
    pub(crate) filename: Option<&'a str>,
    pub(crate) filetype: Option<&'a str>,
    pub(crate) sha256: Option<&'a str>,
    pub(crate) now_ms: i64,
    pub(crate) expires_at_ms: i64,
}

pub(crate) fn create(conn: &Connection, new: &NewUpload<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO uploads (id, user_id, upload_length, upload_offset, metadata, filename, \
         filetype, sha256, state, received_bytes, patches, created_at_ms, expires_at_ms) \
         VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, 'receiving', 0, 0, ?8, ?9)",
    )?
    .execute(params![
        new.id,
        new.user_id,
        sql(new.length),
        new.metadata,
        new.filename,
        new.filetype,
        new.sha256,
        new.now_ms,
        new.expires_at_ms
    ])?;
    Ok(())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Upload> {
    let state: String = row.get(7)?;
    Ok(Upload {
        id: row.get(0)?,
        length: size(row, 1)?,
        offset: size(row, 2)?,
        metadata: row.get(3)?,
        filename: row.get(4)?,
        filetype: row.get(5)?,
        sha256: row.get(6)?,
        state: State::from_column(&state),
        material_id: row.get(8)?,
        expires_at_ms: row.get(9)?,
    })
}

/// The user's upload `id`; another user's is `None`, like a missing one.
pub(crate) fn get(conn: &Connection, user_id: &str, id: &str) -> rusqlite::Result<Option<Upload>> {
    conn.prepare_cached(
        "SELECT id, upload_length, upload_offset, metadata, filename, filetype, sha256, state, \
         material_id, expires_at_ms FROM uploads WHERE id = ?1 AND user_id = ?2",
    )?
    .query_row([id, user_id], from_row)
    .optional()
}

/// Records one PATCH: `read` body bytes arrived, the offset is now
/// `offset`, and the upload lives until `expires_at_ms`.
pub(crate) fn record_patch(
    conn: &Connection,
    id: &str,
    offset: u64,
    read: u64,
    expires_at_ms: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE uploads SET upload_offset = ?2, received_bytes = received_bytes + ?3, \
         patches = patches + 1, expires_at_ms = ?4 WHERE id = ?1 AND state = 'receiving'",
    )?
    .execute(params![id, sql(offset), sql(read), expires_at_ms])?;
    Ok(())
}

/// Records that the upload became `material_id`.
pub(crate) fn finish(conn: &Connection, id: &str, material_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE uploads SET state = 'finished', material_id = ?2 WHERE id = ?1")?
        .execute(params![id, material_id])?;
    Ok(())
}

pub(crate) fn delete(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM uploads WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Unfinished uploads whose time is up at `now_ms` (all unfinished ones
/// with `everything`).
pub(crate) fn due(
    conn: &Connection,
    now_ms: i64,
    everything: bool,
) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT id FROM uploads WHERE state = 'receiving' AND (?2 OR expires_at_ms <= ?1)",
    )?
    .query_map(params![now_ms, everything], |row| row.get(0))?
    .collect()
}

/// Marks an unfinished upload expired at `now_ms` (its tombstone is kept
/// from then on); false if it wasn't receiving any more.
pub(crate) fn expire(conn: &Connection, id: &str, now_ms: i64) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE uploads SET state = 'expired', expires_at_ms = ?2 \
             WHERE id = ?1 AND state = 'receiving'",
        )?
        .execute(params![id, now_ms])?;
    Ok(changed == 1)
}

/// Forgets tombstones of uploads that expired before `before_ms`.
pub(crate) fn purge_expired(conn: &Connection, before_ms: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM uploads WHERE state = 'expired' AND expires_at_ms < ?1")?
        .execute([before_ms])
}

/// The ids of every unfinished upload (their files must stay).
pub(crate) fn receiving(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT id FROM uploads WHERE state = 'receiving'")?
        .query_map([], |row| row.get(0))?
        .collect()
}

/// One upload as the dev view shows it.
#[derive(Debug, Serialize)]
pub(crate) struct DevUpload {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) offset: u64,
    pub(crate) length: u64,
    pub(crate) received_bytes: u64,
    pub(crate) patches: u64,
    pub(crate) finished: bool,
    pub(crate) expired: bool,
    pub(crate) material_id: Option<String>,
}

/// Every upload (of `user_id` if given), oldest first.
pub(crate) fn dev_list(
    conn: &Connection,
    user_id: Option<&str>,
) -> rusqlite::Result<Vec<DevUpload>> {
    conn.prepare(
        "SELECT id, user_id, upload_offset, upload_length, received_bytes, patches, state, \
         material_id FROM uploads WHERE ?1 IS NULL OR user_id = ?1 ORDER BY created_at_ms, rowid",
    )?
    .query_map([user_id], |row| {
        let state: String = row.get(6)?;
        Ok(DevUpload {
            id: row.get(0)?,
            user_id: row.get(1)?,
            offset: size(row, 2)?,
            length: size(row, 3)?,
            received_bytes: size(row, 4)?,
            patches: size(row, 5)?,
            finished: state == "finished",
            expired: state == "expired",
            material_id: row.get(7)?,
        })
    })?
    .collect()
}
