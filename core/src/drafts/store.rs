//! Drafts and the outbox in the user's encrypted personal database. Every
//! change is its own committed transaction: what a call reported as saved
//! survives the process being killed the next instant.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Draft, DraftState, FieldError, SlotFill};
use crate::error::{Error, Result};

/// A draft and what sync needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) draft: Draft,
    /// The platform's revision of this draft (for If-Match), if it has one.
    pub(crate) server_revision: Option<i64>,
    /// Our revision the platform last accepted.
    pub(crate) synced_revision: u64,
    pub(crate) deleted: bool,
}

impl Stored {
    /// A draft made on this device just now: revision 1, being edited, no
    /// verdict, never synced. Its title starts as the guide's name, its
    /// values empty and its slots unfilled; the caller sets what differs.
    pub(crate) fn new_local(
        id: String,
        guide_code: String,
        guide_name: String,
        schema_id: String,
        now_ms: i64,
    ) -> Self {
        Stored {
            draft: Draft {
                id,
                guide_code,
                title: guide_name.clone(),
                guide_name,
                schema_id,
                values_json: "{}".to_owned(),
                materials: Vec::new(),
                revision: 1,
                state: DraftState::Editing,
                platform_errors: Vec::new(),
                submit_error: None,
                conflict_of: None,
                synced: false,
                created_at_ms: now_ms,
                updated_at_ms: now_ms,
            },
            server_revision: None,
            synced_revision: 0,
            deleted: false,
        }
    }
}

const COLUMNS: &str = "id, guide_code, guide_name, schema_id, title, values_json, materials_json, \
     revision, synced_revision, server_revision, state, application_no, errors_json, conflict_of, \
     deleted, created_at_ms, updated_at_ms, submit_error";

fn json_err(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let materials: String = r.get(6)?;
    let errors: String = r.get(12)?;
    let state: String = r.get(10)?;
    let application_no: Option<String> = r.get(11)?;
    let revision: i64 = r.get(7)?;
    let synced_revision: i64 = r.get(8)?;
    Ok(Stored {
        draft: Draft {
            id: r.get(0)?,
            guide_code: r.get(1)?,
            guide_name: r.get(2)?,
            schema_id: r.get(3)?,
            title: r.get(4)?,
            values_json: r.get(5)?,
            materials: serde_json::from_str(&materials).map_err(json_err)?,
            revision: revision as u64,
            state: match (state.as_str(), application_no) {
                ("submitted", Some(no)) => DraftState::Submitted { application_no: no },
                ("submitting", _) => DraftState::Submitting,
                _ => DraftState::Editing,
            },
            platform_errors: serde_json::from_str(&errors).map_err(json_err)?,
            conflict_of: r.get(13)?,
            synced: synced_revision == revision,
            created_at_ms: r.get(15)?,
            updated_at_ms: r.get(16)?,
            submit_error: r.get(17)?,
        },
        server_revision: r.get(9)?,
        synced_revision: synced_revision as u64,
        deleted: r.get(14)?,
    })
}

pub(crate) fn insert(conn: &Connection, s: &Stored) -> Result<()> {
    let d = &s.draft;
    let (state, application_no) = match &d.state {
        DraftState::Submitted { application_no } => ("submitted", Some(application_no.as_str())),
        other => (other.as_str(), None),
    };
    conn.execute(
        &format!(
            "INSERT INTO drafts ({COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        ),
        params![
            d.id,
            d.guide_code,
            d.guide_name,
            d.schema_id,
            d.title,
            d.values_json,
            serde_json::to_string(&d.materials).map_err(|e| Error::storage(e.to_string()))?,
            d.revision as i64,
            s.synced_revision as i64,
            s.server_revision,
            state,
            application_no,
            serde_json::to_string(&d.platform_errors).map_err(|e| Error::storage(e.to_string()))?,
            d.conflict_of,
            s.deleted,
            d.created_at_ms,
            d.updated_at_ms,
            d.submit_error,
        ],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM drafts WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// A draft the user can see (not deleted), or NotFound.
pub(crate) fn existing(conn: &Connection, id: &str) -> Result<Stored> {
    match load(conn, id)? {
        Some(s) if !s.deleted => Ok(s),
        _ => Err(Error::NotFound {
            what: format!("draft {id}"),
        }),
    }
}

pub(crate) fn all(conn: &Connection, include_deleted: bool) -> Result<Vec<Stored>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM drafts WHERE ?1 OR deleted = 0 ORDER BY updated_at_ms DESC, id"
        ))?
        .query_map([include_deleted], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Saves new answers as the next revision; only an editable draft changes.
pub(crate) fn save_values(
    conn: &Connection,
    id: &str,
    values_json: &str,
    now_ms: i64,
) -> Result<u64> {
    let revision: Option<i64> = conn
        .prepare_cached(
            "UPDATE drafts SET values_json = ?2, revision = revision + 1, updated_at_ms = ?3 \
             WHERE id = ?1 AND deleted = 0 AND state = 'editing' RETURNING revision",
        )?
        .query_row(params![id, values_json, now_ms], |r| r.get(0))
        .optional()?;
    revision
        .map(|r| r as u64)
        .ok_or_else(|| not_editable(conn, id))
}

pub(crate) fn save_materials(
    conn: &Connection,
    id: &str,
    fills: &[SlotFill],
    now_ms: i64,
) -> Result<u64> {
    let json = serde_json::to_string(fills).map_err(|e| Error::storage(e.to_string()))?;
    let revision: Option<i64> = conn
        .prepare_cached(
            "UPDATE drafts SET materials_json = ?2, revision = revision + 1, updated_at_ms = ?3 \
             WHERE id = ?1 AND deleted = 0 AND state = 'editing' RETURNING revision",
        )?
        .query_row(params![id, json, now_ms], |r| r.get(0))
        .optional()?;
    revision
        .map(|r| r as u64)
        .ok_or_else(|| not_editable(conn, id))
}

fn not_editable(conn: &Connection, id: &str) -> Error {
    match load(conn, id) {
        Ok(Some(s)) if !s.deleted => Error::Conflict {
            message: format!(
                "draft {id} is {} and can no longer be edited",
                s.draft.state.as_str()
            ),
        },
        _ => Error::NotFound {
            what: format!("draft {id}"),
        },
    }
}

pub(crate) fn set_state(
    conn: &Connection,
    id: &str,
    state: &DraftState,
    errors: &[FieldError],
    submit_error: Option<&str>,
) -> Result<()> {
    let application_no = match state {
        DraftState::Submitted { application_no } => Some(application_no.as_str()),
        _ => None,
    };
    conn.execute(
        "UPDATE drafts SET state = ?2, application_no = ?3, errors_json = ?4, submit_error = ?5 \
         WHERE id = ?1",
        params![
            id,
            state.as_str(),
            application_no,
            serde_json::to_string(errors).map_err(|e| Error::storage(e.to_string()))?,
            submit_error
        ],
    )?;
    Ok(())
}

/// Replaces the platform's field errors (one was fixed).
pub(crate) fn set_platform_errors(
    conn: &Connection,
    id: &str,
    errors: &[FieldError],
) -> Result<()> {
    conn.execute(
        "UPDATE drafts SET errors_json = ?2 WHERE id = ?1",
        params![
            id,
            serde_json::to_string(errors).map_err(|e| Error::storage(e.to_string()))?
        ],
    )?;
    Ok(())
}

/// Marks a draft deleted (kept until the platform has heard of it).
pub(crate) fn mark_deleted(conn: &Connection, id: &str, now_ms: i64) -> Result<()> {
    // A draft on its way to the platform is not withdrawn by deleting it.
    let changed = conn.execute(
        "UPDATE drafts SET deleted = 1, revision = revision + 1, updated_at_ms = ?2 \
         WHERE id = ?1 AND deleted = 0 AND state != 'submitting'",
        params![id, now_ms],
    )?;
    if changed == 0 {
        return Err(match existing(conn, id) {
            Ok(_) => Error::Conflict {
                message: format!("draft {id} is being submitted and cannot be deleted now"),
            },
            Err(e) => e,
        });
    }
    Ok(())
}

pub(crate) fn purge(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
    Ok(())
}

/// The platform accepted `revision` as its `server_revision`.
pub(crate) fn mark_synced(
    conn: &Connection,
    id: &str,
    revision: u64,
    server_revision: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE drafts SET synced_revision = ?2, server_revision = ?3 WHERE id = ?1",
        params![id, revision as i64, server_revision],
    )?;
    Ok(())
}

/// One queued submission.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub(crate) id: i64,
    pub(crate) draft_id: String,
    pub(crate) idempotency_key: String,
    pub(crate) body: String,
    pub(crate) attempts: u32,
    /// Set for a supplement answer: the application it goes to. The
    /// endpoint follows from the draft, so the outbox table needs no kind.
    pub(crate) supplement_of: Option<String>,
}

pub(crate) fn enqueue(
    conn: &Connection,
    draft_id: &str,
    key: &str,
    body: &str,
    now_ms: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO outbox (draft_id, idempotency_key, body, attempts, next_attempt_at_ms, created_at_ms) \
         VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![draft_id, key, body, now_ms],
    )?;
    Ok(())
}

/// Queued submissions due at `now_ms`, oldest first.
pub(crate) fn due(conn: &Connection, now_ms: i64) -> Result<Vec<Queued>> {
    Ok(conn
        .prepare_cached(
            "SELECT o.id, o.draft_id, o.idempotency_key, o.body, o.attempts, s.application_no \
             FROM outbox o LEFT JOIN supplement_forms s ON s.draft_id = o.draft_id \
             WHERE o.next_attempt_at_ms <= ?1 ORDER BY o.id",
        )?
        .query_map([now_ms], |r| {
            Ok(Queued {
                id: r.get(0)?,
                draft_id: r.get(1)?,
                idempotency_key: r.get(2)?,
                body: r.get(3)?,
                attempts: r.get(4)?,
                supplement_of: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn postpone(conn: &Connection, id: i64, next_ms: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at_ms = ?2, last_error = ?3 WHERE id = ?1",
        params![id, next_ms, error],
    )?;
    Ok(())
}

/// Everything queued becomes due now (the network came back).
pub(crate) fn due_now(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE outbox SET next_attempt_at_ms = 0", [])?;
    Ok(())
}

pub(crate) fn dequeue(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
    Ok(())
}

/// (pending, last error, next attempt) of the outbox.
pub(crate) fn outbox_status(conn: &Connection) -> Result<(u32, Option<String>, Option<i64>)> {
    Ok(conn.query_row(
        "SELECT count(*), (SELECT last_error FROM outbox ORDER BY id LIMIT 1), min(next_attempt_at_ms) FROM outbox",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u32, r.get(1)?, r.get(2)?)),
    )?)
}
