//! Supplement answers in the personal database (`supplement_forms`, one row
//! per answered request): the office's request as it was started, the
//! answer's form, and whether the office still waits for it. The draft
//! itself is an ordinary row of `drafts`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::super::model::SupplementDraftRequest;
use crate::error::{Error, Result};

/// One supplement draft's request and form.
#[derive(Debug, Clone)]
pub(crate) struct SupplementRow {
    pub(crate) schema_id: String,
    pub(crate) draft_id: String,
    pub(crate) request: SupplementDraftRequest,
    pub(crate) schema_json: String,
    /// The office no longer waits for this answer.
    pub(crate) superseded: bool,
}

const COLUMNS: &str = "schema_id, draft_id, request_json, schema_json, superseded";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SupplementRow> {
    let request: String = r.get(2)?;
    Ok(SupplementRow {
        schema_id: r.get(0)?,
        draft_id: r.get(1)?,
        request: serde_json::from_str(&request)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        schema_json: r.get(3)?,
        superseded: r.get(4)?,
    })
}

/// Records (or, for a draft started again after being deleted, replaces)
/// the request behind a supplement draft.
pub(crate) fn put(conn: &Connection, row: &SupplementRow, now_ms: i64) -> Result<()> {
    let request = serde_json::to_string(&row.request).map_err(|e| Error::storage(e.to_string()))?;
    conn.execute(
        "INSERT OR REPLACE INTO supplement_forms \
         (schema_id, draft_id, application_no, request_seq, request_json, schema_json, superseded, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            row.schema_id,
            row.draft_id,
            row.request.application_no,
            row.request.request_seq,
            request,
            row.schema_json,
            row.superseded,
            now_ms
        ],
    )?;
    Ok(())
}

pub(crate) fn by_draft(conn: &Connection, draft_id: &str) -> Result<Option<SupplementRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM supplement_forms WHERE draft_id = ?1"
        ))?
        .query_row([draft_id], from_row)
        .optional()?)
}

/// The stored form of a supplement draft, as JSON.
pub(crate) fn schema_json(conn: &Connection, schema_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT schema_json FROM supplement_forms WHERE schema_id = ?1")?
        .query_row([schema_id], |r| r.get(0))
        .optional()?)
}

/// The answers to earlier requests of the same application, the latest
/// first: when the office asks again, the open ones are superseded, and
/// what an unsent one holds may carry over to the new answer.
pub(crate) fn earlier(
    conn: &Connection,
    application_no: &str,
    request_seq: i64,
) -> Result<Vec<SupplementRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM supplement_forms \
             WHERE application_no = ?1 AND request_seq < ?2 \
             ORDER BY request_seq DESC"
        ))?
        .query_map(params![application_no, request_seq], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn mark_superseded(conn: &Connection, draft_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE supplement_forms SET superseded = 1 WHERE draft_id = ?1",
        [draft_id],
    )?;
    Ok(())
}
