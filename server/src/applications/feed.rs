//! The change feed of applications: one server-wide sequence (`change_seq`)
//! that every change of an application takes the next number of, the
//! tombstones of applications taken out of a list, the compaction horizon,
//! and reading one user's changes after a sequence number. The change
//! cursor (`GET /api/v1/applications/changes`) and the live events
//! (`GET /api/v1/events`) both read through [`changes_after`], so a replay
//! and a live event can't disagree.

use rusqlite::{Connection, params};

use super::view::{self, Application};

/// The next sequence number. Call inside the transaction that writes the
/// change, so numbers are handed out in commit order (writes are
/// serialised on the one connection).
pub(crate) fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "UPDATE application_feed SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
    )?
    .query_row([], |row| row.get(0))
}

/// (last seq handed out, horizon): a position below the horizon may have
/// missed a tombstone that a compaction dropped.
pub(crate) fn bounds(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached("SELECT last_seq, horizon_seq FROM application_feed WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
}

/// The newest change of `user_id`'s (0 for none).
pub(crate) fn latest_for_user(conn: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT max(coalesce((SELECT max(change_seq) FROM applications WHERE user_id = ?1), 0), \
                    coalesce((SELECT max(change_seq) FROM application_tombstones \
                              WHERE user_id = ?1), 0))",
    )?
    .query_row([user_id], |row| row.get(0))
}

/// Whether a client that has seen everything up to `seq` can be brought up
/// to date with changes alone: not below the horizon, not beyond what was
/// ever handed out (a server whose data was replaced).
pub(crate) fn is_resumable(conn: &Connection, seq: i64) -> rusqlite::Result<bool> {
    let (last, horizon) = bounds(conn)?;
    Ok(seq >= horizon && seq <= last)
}

/// One change of a user's list.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    Upsert(Box<Application>),
    Tombstone { application_no: String, seq: i64 },
}

impl Change {
    pub(crate) fn seq(&self) -> i64 {
        match self {
            Change::Upsert(application) => application.change_seq,
            Change::Tombstone { seq, .. } => *seq,
        }
    }
}

/// `user_id`'s changes after `after`, in sequence order, each number once
/// (its latest state), at most `limit`; plus whether more follow.
pub(crate) fn changes_after(
    conn: &Connection,
    user_id: &str,
    after: i64,
    limit: usize,
) -> rusqlite::Result<(Vec<Change>, bool)> {
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let rows: Vec<(i64, String, bool)> = conn
        .prepare_cached(
            "SELECT change_seq, application_no, 0 FROM applications \
             WHERE user_id = ?1 AND change_seq > ?2 AND archived_at_ms IS NULL \
             UNION ALL \
             SELECT change_seq, application_no, 1 FROM application_tombstones \
             WHERE user_id = ?1 AND change_seq > ?2 \
             ORDER BY 1 LIMIT ?3",
        )?
        .query_map(params![user_id, after, fetch], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let has_more = rows.len() > limit;
    let mut changes = Vec::with_capacity(rows.len().min(limit));
    for (seq, number, tombstone) in rows.into_iter().take(limit) {
        if tombstone {
            changes.push(Change::Tombstone {
                application_no: number,
                seq,
            });
        } else if let Some(record) = view::load(conn, user_id, &number)? {
            changes.push(Change::Upsert(Box::new(view::render(
                conn, &record, false,
            )?)));
        }
    }
    Ok((changes, has_more))
}

/// Takes application `number` out of its owner's list: archived, with a
/// tombstone at a new sequence number. `None` if there is no such live
/// application.
pub(crate) fn archive(
    conn: &Connection,
    number: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<(String, i64)>> {
    let Some(record) = view::load_any(conn, number)? else {
        return Ok(None);
    };
    let seq = next_seq(conn)?;
    conn.prepare_cached("UPDATE applications SET archived_at_ms = ?2 WHERE application_no = ?1")?
        .execute(params![number, now_ms])?;
    conn.prepare_cached(
        "INSERT INTO application_tombstones (application_no, user_id, change_seq, removed_at_ms) \
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![number, record.user_id, seq, now_ms])?;
    Ok(Some((record.user_id, seq)))
}

/// Drops every tombstone and moves the horizon to the last sequence
/// number: every older cursor and Last-Event-ID must start again.
pub(crate) fn compact(conn: &mut Connection, now_ms: i64) -> rusqlite::Result<i64> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM application_tombstones", [])?;
    tx.execute(
        "UPDATE application_feed SET horizon_seq = last_seq, horizon_at_ms = ?1 WHERE id = 1",
        [now_ms],
    )?;
    let (last, _) = bounds(&tx)?;
    tx.commit()?;
    Ok(last)
}
