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

/// One page of a user's changes.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) changes: Vec<Change>,
    /// The sequence number of the last row this page read, whether or not
    /// it became a change (`after` when it read none). The next page starts
    /// here, so a reader always moves forward even when every row of a page
    /// was skipped.
    pub(crate) last_read: i64,
    /// More changes follow `last_read`.
    pub(crate) has_more: bool,
}

/// `user_id`'s changes after `after`, in sequence order, each number once
/// (its latest state), at most `limit` rows read.
pub(crate) fn changes_after(
    conn: &Connection,
    user_id: &str,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Page> {
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
    let mut last_read = after;
    for (seq, number, tombstone) in rows.into_iter().take(limit) {
        last_read = last_read.max(seq);
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
    Ok(Page {
        changes,
        last_read,
        // A page that read nothing can't have more after it (only a zero
        // `limit` gets here), so a reader never spins on it.
        has_more: has_more && last_read > after,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::open_in_memory;

    /// Tombstones written straight into the table (the foreign keys off:
    /// paging doesn't need the users and applications behind them).
    fn with_tombstones(seqs: &[i64]) -> Connection {
        let conn = open_in_memory();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        for seq in seqs {
            conn.execute(
                "INSERT INTO application_tombstones \
                 (application_no, user_id, change_seq, removed_at_ms) VALUES (?1, 'u', ?2, 0)",
                params![format!("A{seq}"), seq],
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn pages_move_forward_to_the_last_row_read() {
        let conn = with_tombstones(&[3, 5, 9]);
        let first = changes_after(&conn, "u", 0, 2).unwrap();
        assert_eq!(first.changes.len(), 2);
        assert_eq!(first.last_read, 5);
        assert!(first.has_more);
        let second = changes_after(&conn, "u", first.last_read, 2).unwrap();
        assert_eq!(second.last_read, 9);
        assert!(!second.has_more);
        let empty = changes_after(&conn, "u", second.last_read, 2).unwrap();
        assert!(empty.changes.is_empty());
        assert_eq!(empty.last_read, 9);
        assert!(!empty.has_more);
    }

    #[test]
    fn a_page_that_reads_nothing_never_says_more() {
        let conn = with_tombstones(&[1, 2]);
        let page = changes_after(&conn, "u", 0, 0).unwrap();
        assert_eq!(page.last_read, 0);
        assert!(!page.has_more, "a reader would loop on this page forever");
    }
}
