//! The `licences` table, read side.

use rusqlite::{Connection, Row};
use serde::Serialize;

/// A licence as the API shows it; the holder stays on the server.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Licence {
    pub(crate) id: String,
    pub(crate) licence_type: String,
    pub(crate) title: String,
    pub(crate) issuer: String,
    pub(crate) valid_until: Option<String>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Licence> {
    Ok(Licence {
        id: row.get(0)?,
        licence_type: row.get(1)?,
        title: row.get(2)?,
        issuer: row.get(3)?,
        valid_until: row.get(4)?,
    })
}

/// The user's licences in the order they were issued.
pub(crate) fn list(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<Licence>> {
    conn.prepare_cached(
        "SELECT id, licence_type, title, issuer, valid_until FROM licences \
         WHERE user_id = ?1 ORDER BY issued_at_ms, rowid",
    )?
    .query_map([user_id], from_row)?
    .collect()
}

/// Whether the user holds the licence `id` of type `licence_type`.
pub(crate) fn holds(
    conn: &Connection,
    user_id: &str,
    licence_type: &str,
    id: &str,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM licences \
         WHERE user_id = ?1 AND licence_type = ?2 AND id = ?3)",
    )?
    .query_row([user_id, licence_type, id], |row| row.get(0))
}
