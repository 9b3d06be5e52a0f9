//! The applications table of the personal database (migration 5) and the
//! change-feed cursor. Plain synchronous queries: callers run them through
//! `Database::call`, off the async threads, inside their own transaction.
//!
//! A stored row is replaced only by a newer `change_seq`, so an event seen
//! twice (a replay after reconnecting, a push and the live stream both
//! reporting it) changes nothing the second time.

use rusqlite::{Connection, OptionalExtension, params};

use super::model::ApplicationFilter;
use super::wire::Received;
use crate::error::Result;

/// Where the change feed stands.
#[derive(Debug, Clone)]
pub(crate) struct SyncState {
    pub(crate) cursor: Option<String>,
    /// The number of the latest full pass.
    pub(crate) pass: i64,
    /// A full pass is under way (its pages so far are stored): rows it has
    /// not seen when it ends are dropped.
    pub(crate) full_pass_open: bool,
}

pub(crate) fn sync_state(c: &Connection) -> Result<SyncState> {
    Ok(c.query_row(
        "SELECT cursor, pass, full_pass_open FROM application_sync WHERE id = 1",
        [],
        |r| {
            Ok(SyncState {
                cursor: r.get(0)?,
                pass: r.get(1)?,
                full_pass_open: r.get::<_, i64>(2)? != 0,
            })
        },
    )?)
}

/// Starts a full pass: no cursor, a new pass number.
pub(crate) fn begin_full_pass(c: &Connection) -> Result<SyncState> {
    c.execute(
        "UPDATE application_sync SET cursor = NULL, pass = pass + 1, full_pass_open = 1 WHERE id = 1",
        [],
    )?;
    sync_state(c)
}

pub(crate) fn save_cursor(c: &Connection, cursor: &str, now_ms: i64) -> Result<()> {
    c.execute(
        "UPDATE application_sync SET cursor = ?1, last_synced_at_ms = ?2 WHERE id = 1",
        params![cursor, now_ms],
    )?;
    Ok(())
}

/// Ends a full pass: drops the rows it did not see and returns their numbers.
pub(crate) fn finish_full_pass(c: &Connection, pass: i64, now_ms: i64) -> Result<Vec<String>> {
    let unseen: Vec<String> = c
        .prepare("SELECT application_no FROM applications WHERE pass < ?1 ORDER BY application_no")?
        .query_map([pass], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    c.execute("DELETE FROM applications WHERE pass < ?1", [pass])?;
    c.execute(
        "UPDATE application_sync SET full_pass_open = 0, last_full_sync_at_ms = ?1 WHERE id = 1",
        [now_ms],
    )?;
    Ok(unseen)
}

/// What `upsert` found.
pub(crate) enum Upsert {
    /// Stored; the previous version's JSON when there was one.
    Stored { previous: Option<String> },
    /// The stored version is as new or newer: nothing changed.
    NotNewer,
}

/// Stores `received` unless the stored version is as new; marks the row as
/// seen by `pass` either way (when a full pass is under way).
pub(crate) fn upsert(
    c: &Connection,
    received: &Received,
    pass: Option<i64>,
    now_ms: i64,
) -> Result<Upsert> {
    let wire = &received.wire;
    let stored: Option<(i64, String, i64)> = c
        .query_row(
            "SELECT change_seq, body, pass FROM applications WHERE application_no = ?1",
            [&wire.application_no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((seq, _, stored_pass)) = &stored
        && *seq >= wire.change_seq
    {
        if let Some(pass) = pass.filter(|p| p > stored_pass) {
            c.execute(
                "UPDATE applications SET pass = ?2 WHERE application_no = ?1",
                params![wire.application_no, pass],
            )?;
        }
        return Ok(Upsert::NotNewer);
    }
    let status = wire.status()?;
    // A row first seen outside a full pass belongs to the current pass: it
    // exists on the platform as of now.
    let pass = match pass {
        Some(pass) => pass,
        None => sync_state(c)?.pass,
    };
    let submitted = super::wire::ms("submitted_at", &wire.submitted_at)?;
    let updated = match &wire.updated_at {
        Some(text) => super::wire::ms("updated_at", text)?,
        None => submitted,
    };
    c.execute(
        "INSERT INTO applications (application_no, status, needs_action, is_final,
            submitted_at_ms, updated_at_ms, promised_due_at_ms, change_seq, body, pass, stored_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(application_no) DO UPDATE SET
            status = excluded.status, needs_action = excluded.needs_action,
            is_final = excluded.is_final, submitted_at_ms = excluded.submitted_at_ms,
            updated_at_ms = excluded.updated_at_ms,
            promised_due_at_ms = excluded.promised_due_at_ms,
            change_seq = excluded.change_seq, body = excluded.body,
            pass = max(applications.pass, excluded.pass), stored_at_ms = excluded.stored_at_ms",
        params![
            wire.application_no,
            status.as_str(),
            wire.needs_action,
            status.is_final(),
            submitted,
            updated,
            wire.promised_due_at_ms()?,
            wire.change_seq,
            received.json,
            pass,
            now_ms,
        ],
    )?;
    Ok(Upsert::Stored {
        previous: stored.map(|(_, body, _)| body),
    })
}

/// Drops one application (a tombstone); its JSON when it was stored.
pub(crate) fn remove(c: &Connection, application_no: &str) -> Result<Option<String>> {
    let body: Option<String> = c
        .query_row(
            "SELECT body FROM applications WHERE application_no = ?1",
            [application_no],
            |r| r.get(0),
        )
        .optional()?;
    c.execute(
        "DELETE FROM applications WHERE application_no = ?1",
        [application_no],
    )?;
    Ok(body)
}

/// One application's stored JSON.
pub(crate) fn get(c: &Connection, application_no: &str) -> Result<Option<String>> {
    Ok(c.query_row(
        "SELECT body FROM applications WHERE application_no = ?1",
        [application_no],
        |r| r.get(0),
    )
    .optional()?)
}

/// The stored `change_seq` of one application.
pub(crate) fn change_seq(c: &Connection, application_no: &str) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT change_seq FROM applications WHERE application_no = ?1",
        [application_no],
        |r| r.get(0),
    )
    .optional()?)
}

/// The stored JSON of the applications `filter` lets through, the most
/// recently changed first.
pub(crate) fn list(c: &Connection, filter: ApplicationFilter) -> Result<Vec<String>> {
    let condition = match filter {
        ApplicationFilter::All => "1",
        ApplicationFilter::InProgress => "is_final = 0",
        ApplicationFilter::NeedsAction => "needs_action IS NOT NULL",
        ApplicationFilter::Done => "is_final = 1",
    };
    let sql = format!(
        "SELECT body FROM applications WHERE {condition}
         ORDER BY updated_at_ms DESC, application_no DESC"
    );
    let bodies = c
        .prepare(&sql)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(bodies)
}

/// The earliest promised due time still ahead of `now_ms` among the
/// applications that can become overdue: when a list's "overdue" flags
/// next change without any new data.
pub(crate) fn next_due_after(c: &Connection, now_ms: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT min(promised_due_at_ms) FROM applications
         WHERE promised_due_at_ms > ?1
           AND status IN ('submitted', 'accepted', 'under_review')",
        [now_ms],
        |r| r.get(0),
    )?)
}
