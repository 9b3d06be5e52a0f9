//! The `status_lists` table and the revocation bits behind it.
//!
//! Each issuer suite has its own lists (a verifier checks a list with the
//! key that signed the licence), `<suite>-<n>`, of a fixed number of
//! indexes: a list that grew would leave verifiers holding an older, shorter
//! copy unable to answer for new licences. A full list is followed by the
//! next.

use rusqlite::{Connection, OptionalExtension, params};

/// Indexes per list: 16384 bits, 2 KiB before compression, a few dozen
/// bytes after while few licences are revoked.
pub(crate) const LIST_CAPACITY: u32 = 16_384;

/// A list's id: `ed25519-1`, `sm2-sm3-1`, ...
fn list_id(suite_name: &str, number: u32) -> String {
    format!("{suite_name}-{number}")
}

/// The next free (list id, index) for a licence signed with `suite_name`.
/// Call inside the transaction that stores the licence.
pub(crate) fn allocate(conn: &Connection, suite_name: &str) -> rusqlite::Result<(String, u32)> {
    let mut number = 1;
    loop {
        let id = list_id(suite_name, number);
        conn.prepare_cached(
            "INSERT INTO status_lists (id, suite, next_index) VALUES (?1, ?2, 0) \
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![id, suite_name])?;
        let next: u32 = conn
            .prepare_cached("SELECT next_index FROM status_lists WHERE id = ?1")?
            .query_row([&id], |row| row.get(0))?;
        if next < LIST_CAPACITY {
            conn.prepare_cached("UPDATE status_lists SET next_index = ?2 WHERE id = ?1")?
                .execute(params![id, next + 1])?;
            return Ok((id, next));
        }
        number += 1;
    }
}

/// The suite a list belongs to, if it exists.
pub(crate) fn suite_of(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT suite FROM status_lists WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()
}

/// The indexes of `id` whose licences are revoked.
pub(crate) fn revoked_indexes(conn: &Connection, id: &str) -> rusqlite::Result<Vec<u32>> {
    conn.prepare_cached(
        "SELECT status_index FROM licences \
         WHERE status_list_id = ?1 AND revoked_at_ms IS NOT NULL ORDER BY status_index",
    )?
    .query_map([id], |row| row.get(0))?
    .collect()
}

/// The last signature over `id` and when it was made, unless the list
/// changed since.
pub(crate) fn signed(conn: &Connection, id: &str) -> rusqlite::Result<Option<(Vec<u8>, i64)>> {
    conn.prepare_cached("SELECT signed, signed_at_ms FROM status_lists WHERE id = ?1")?
        .query_row([id], |row| {
            let signed: Option<Vec<u8>> = row.get(0)?;
            let at: Option<i64> = row.get(1)?;
            Ok(signed.zip(at))
        })
        .optional()
        .map(Option::flatten)
}

pub(crate) fn store_signed(
    conn: &Connection,
    id: &str,
    signed: &[u8],
    at_ms: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE status_lists SET signed = ?2, signed_at_ms = ?3 WHERE id = ?1")?
        .execute(params![id, signed, at_ms])?;
    Ok(())
}

/// Forgets the list's signature: its bits changed.
pub(crate) fn mark_changed(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE status_lists SET signed = NULL, signed_at_ms = NULL WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_count_up_per_suite() {
        let conn = crate::db::open_in_memory();
        assert_eq!(allocate(&conn, "ed25519").unwrap(), ("ed25519-1".into(), 0));
        assert_eq!(allocate(&conn, "ed25519").unwrap(), ("ed25519-1".into(), 1));
        assert_eq!(allocate(&conn, "sm2-sm3").unwrap(), ("sm2-sm3-1".into(), 0));
        assert_eq!(
            suite_of(&conn, "sm2-sm3-1").unwrap().as_deref(),
            Some("sm2-sm3")
        );
        assert_eq!(suite_of(&conn, "nope-1").unwrap(), None);
    }

    #[test]
    fn a_full_list_is_followed_by_the_next() {
        let conn = crate::db::open_in_memory();
        allocate(&conn, "ed25519").unwrap();
        conn.execute("UPDATE status_lists SET next_index = ?1", [LIST_CAPACITY])
            .unwrap();
        assert_eq!(allocate(&conn, "ed25519").unwrap(), ("ed25519-2".into(), 0));
    }
}
