//! Application drafts synced between a user's phones (多端续办). A draft is
//! keyed by its owner and an id the client chose (a UUID), and carries a
//! revision: 1 when created, +1 on every write. Writes are conditional on
//! the revision the client last saw, so a stale phone can't overwrite a
//! newer edit unknowingly. Deleting leaves a tombstone (answers dropped)
//! that listing still shows, so the other phones learn of it.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// A draft as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Draft {
    pub(crate) id: String,
    pub(crate) revision: i64,
    pub(crate) deleted: bool,
    pub(crate) guide_code: String,
    pub(crate) schema_id: String,
    pub(crate) title: Option<String>,
    pub(crate) values: serde_json::Value,
    pub(crate) materials: serde_json::Value,
    /// The client's clock when the user last edited it.
    pub(crate) updated_at_ms: i64,
    /// The server's clock when this revision was stored.
    pub(crate) synced_at_ms: i64,
    /// Set when the draft was closed by submitting it.
    pub(crate) application_no: Option<String>,
}

/// What a client writes.
pub(crate) struct DraftInput {
    pub(crate) guide_code: String,
    pub(crate) schema_id: String,
    pub(crate) title: Option<String>,
    pub(crate) values: serde_json::Value,
    pub(crate) materials: serde_json::Value,
    pub(crate) updated_at_ms: i64,
}

/// The condition a write is made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precondition {
    /// `If-None-Match: *`: only if the draft doesn't exist (not even as a
    /// tombstone).
    Absent,
    /// `If-Match: "<revision>"`, or `If-Match: *` (`None`): only if the
    /// draft exists at that revision (at any revision).
    Revision(Option<i64>),
}

pub(crate) enum Written {
    Created(Draft),
    Updated(Draft),
    /// A delete of a draft that was a tombstone already: nothing changed.
    Unchanged(Draft),
    /// `If-Match` and no such draft (for this user).
    NotFound,
    /// The precondition failed; the draft as it is now.
    Mismatch(Draft),
}

const COLUMNS: &str = "id, revision, deleted, guide_code, schema_id, title, values_json, \
                       materials_json, updated_at_ms, synced_at_ms, application_no";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Draft> {
    let values: String = row.get(6)?;
    let materials: String = row.get(7)?;
    Ok(Draft {
        id: row.get(0)?,
        revision: row.get(1)?,
        deleted: row.get(2)?,
        guide_code: row.get(3)?,
        schema_id: row.get(4)?,
        title: row.get(5)?,
        values: serde_json::from_str(&values).unwrap_or_default(),
        materials: serde_json::from_str(&materials).unwrap_or_default(),
        updated_at_ms: row.get(8)?,
        synced_at_ms: row.get(9)?,
        application_no: row.get(10)?,
    })
}

/// The user's draft `id` (a tombstone too); `None` for an unknown id and
/// for another user's draft alike.
pub(crate) fn get(conn: &Connection, user_id: &str, id: &str) -> rusqlite::Result<Option<Draft>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM drafts WHERE user_id = ?1 AND id = ?2"
    ))?
    .query_row(params![user_id, id], from_row)
    .optional()
}

/// The user's drafts and tombstones stored at or after `since_ms` (all of
/// them without), oldest write first.
pub(crate) fn list(
    conn: &Connection,
    user_id: &str,
    since_ms: Option<i64>,
) -> rusqlite::Result<Vec<Draft>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM drafts WHERE user_id = ?1 AND synced_at_ms >= ?2 \
         ORDER BY synced_at_ms, id"
    ))?
    .query_map(params![user_id, since_ms.unwrap_or(i64::MIN)], from_row)?
    .collect()
}

fn holds(precondition: Precondition, current: &Draft) -> bool {
    match precondition {
        Precondition::Absent => false,
        Precondition::Revision(None) => true,
        Precondition::Revision(Some(revision)) => revision == current.revision,
    }
}

/// Creates or replaces the draft if `precondition` holds. Replacing a
/// tombstone (with `If-Match` on its revision) brings the draft back.
pub(crate) fn put(
    conn: &mut Connection,
    user_id: &str,
    id: &str,
    precondition: Precondition,
    input: &DraftInput,
    now_ms: i64,
) -> rusqlite::Result<Written> {
    let tx = conn.transaction()?;
    let current = get(&tx, user_id, id)?;
    let revision = match (&current, precondition) {
        (None, Precondition::Absent) => 1,
        (None, Precondition::Revision(_)) => return Ok(Written::NotFound),
        (Some(current), precondition) if !holds(precondition, current) => {
            return Ok(Written::Mismatch(current.clone()));
        }
        (Some(current), _) => current.revision + 1,
    };
    tx.prepare_cached(
        "INSERT INTO drafts (user_id, id, revision, deleted, guide_code, schema_id, title, \
             values_json, materials_json, updated_at_ms, synced_at_ms, application_no) \
         VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL) \
         ON CONFLICT (user_id, id) DO UPDATE SET revision = excluded.revision, deleted = 0, \
             guide_code = excluded.guide_code, schema_id = excluded.schema_id, \
             title = excluded.title, values_json = excluded.values_json, \
             materials_json = excluded.materials_json, updated_at_ms = excluded.updated_at_ms, \
             synced_at_ms = excluded.synced_at_ms, application_no = NULL",
    )?
    .execute(params![
        user_id,
        id,
        revision,
        input.guide_code,
        input.schema_id,
        input.title,
        input.values.to_string(),
        input.materials.to_string(),
        input.updated_at_ms,
        now_ms
    ])?;
    let stored = get(&tx, user_id, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.commit()?;
    Ok(if current.is_none() {
        Written::Created(stored)
    } else {
        Written::Updated(stored)
    })
}

/// Turns the draft into a tombstone: a new revision, answers and title
/// dropped, `application_no` set when a submission closed it.
fn tombstone(
    conn: &Connection,
    user_id: &str,
    id: &str,
    application_no: Option<&str>,
    now_ms: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE drafts SET revision = revision + 1, deleted = 1, title = NULL, \
             values_json = '{}', materials_json = '[]', synced_at_ms = ?3, application_no = ?4 \
         WHERE user_id = ?1 AND id = ?2",
    )?
    .execute(params![user_id, id, now_ms, application_no])?;
    Ok(())
}

/// Deletes the draft (leaving a tombstone) if `precondition` holds.
pub(crate) fn delete(
    conn: &mut Connection,
    user_id: &str,
    id: &str,
    precondition: Precondition,
    now_ms: i64,
) -> rusqlite::Result<Written> {
    let tx = conn.transaction()?;
    let Some(current) = get(&tx, user_id, id)? else {
        return Ok(Written::NotFound);
    };
    if !holds(precondition, &current) {
        return Ok(Written::Mismatch(current));
    }
    if current.deleted {
        return Ok(Written::Unchanged(current));
    }
    tombstone(&tx, user_id, id, None, now_ms)?;
    let stored = get(&tx, user_id, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.commit()?;
    Ok(Written::Updated(stored))
}

/// Closes the user's live draft `id`, if there is one, because it was
/// submitted as `application_no`. Runs in the submission's transaction.
pub(crate) fn close_for_application(
    conn: &Connection,
    user_id: &str,
    id: &str,
    application_no: &str,
    now_ms: i64,
) -> rusqlite::Result<()> {
    if get(conn, user_id, id)?.is_some_and(|draft| !draft.deleted) {
        tombstone(conn, user_id, id, Some(application_no), now_ms)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user(conn: &Connection, id: &str) {
        conn.execute(
            "INSERT INTO users (id, phone, tier, created_at_ms) VALUES (?1, ?2, 'registered', 0)",
            params![id, format!("1380000{}", &id[id.len() - 4..])],
        )
        .unwrap();
    }

    fn input(title: &str) -> DraftInput {
        DraftInput {
            guide_code: "GA001-530102".into(),
            schema_id: "GA001.v1".into(),
            title: Some(title.into()),
            values: json!({"applicant_name": "张三"}),
            materials: json!([]),
            updated_at_ms: 5,
        }
    }

    #[test]
    fn revisions_preconditions_and_tombstones() {
        let mut conn = crate::db::open_in_memory();
        user(&conn, "u_0000000000000001");
        user(&conn, "u_0000000000000002");
        let (me, other, id) = (
            "u_0000000000000001",
            "u_0000000000000002",
            "5f0c3c1e-0000-4000-8000-000000000001",
        );
        let Written::Created(draft) =
            put(&mut conn, me, id, Precondition::Absent, &input("a"), 10).unwrap()
        else {
            panic!("not created")
        };
        assert_eq!((draft.revision, draft.deleted), (1, false));
        assert!(matches!(
            put(&mut conn, me, id, Precondition::Absent, &input("b"), 11).unwrap(),
            Written::Mismatch(current) if current.revision == 1
        ));
        assert!(matches!(
            put(&mut conn, me, id, Precondition::Revision(Some(1)), &input("b"), 12).unwrap(),
            Written::Updated(d) if d.revision == 2 && d.title.as_deref() == Some("b")
        ));
        assert!(matches!(
            put(&mut conn, me, id, Precondition::Revision(Some(1)), &input("c"), 13).unwrap(),
            Written::Mismatch(current) if current.revision == 2
        ));
        // Another user's view: no such draft.
        assert!(get(&conn, other, id).unwrap().is_none());
        assert!(matches!(
            delete(&mut conn, other, id, Precondition::Revision(None), 14).unwrap(),
            Written::NotFound
        ));
        let Written::Updated(gone) =
            delete(&mut conn, me, id, Precondition::Revision(Some(2)), 15).unwrap()
        else {
            panic!("not deleted")
        };
        assert_eq!((gone.revision, gone.deleted), (3, true));
        assert_eq!(gone.values, json!({}));
        assert!(gone.title.is_none());
        assert!(matches!(
            delete(&mut conn, me, id, Precondition::Revision(Some(3)), 16).unwrap(),
            Written::Unchanged(d) if d.revision == 3
        ));
        assert_eq!(list(&conn, me, Some(15)).unwrap().len(), 1);
        assert!(list(&conn, me, Some(16)).unwrap().is_empty());
        assert!(list(&conn, other, None).unwrap().is_empty());
    }
}
