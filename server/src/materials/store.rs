//! The `materials` table.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::MediaType;

/// A material as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Material {
    pub(crate) id: String,
    pub(crate) sha256: String,
    pub(crate) size: u64,
    pub(crate) media_type: MediaType,
    pub(crate) filename: String,
    pub(crate) created_at_ms: i64,
}

const COLUMNS: &str = "id, sha256, size, media_type, filename, created_at_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Material> {
    let media_type: String = row.get(3)?;
    Ok(Material {
        id: row.get(0)?,
        sha256: row.get(1)?,
        // Sizes are at most the upload limit, far below 2^63.
        size: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
        // The CHECK constraint allows only the three names.
        media_type: MediaType::from_name(&media_type).unwrap_or(MediaType::Pdf),
        filename: row.get(4)?,
        created_at_ms: row.get(5)?,
    })
}

/// The user's materials, newest first.
pub(crate) fn list(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<Material>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM materials WHERE user_id = ?1 \
         ORDER BY created_at_ms DESC, rowid DESC"
    ))?;
    statement
        .query_map([user_id], from_row)?
        .collect::<rusqlite::Result<_>>()
}

pub(crate) fn by_sha256(
    conn: &Connection,
    user_id: &str,
    sha256: &str,
) -> rusqlite::Result<Option<Material>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM materials WHERE user_id = ?1 AND sha256 = ?2"),
        [user_id, sha256],
        from_row,
    )
    .optional()
}

pub(crate) fn get(
    conn: &Connection,
    user_id: &str,
    id: &str,
) -> rusqlite::Result<Option<Material>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM materials WHERE user_id = ?1 AND id = ?2"),
        [user_id, id],
        from_row,
    )
    .optional()
}

/// Whether `reference` names one of the user's materials: its id, or the
/// id of the upload that made it.
pub(crate) fn holds(conn: &Connection, user_id: &str, reference: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM materials WHERE user_id = ?1 AND id = ?2) \
             OR EXISTS (SELECT 1 FROM uploads WHERE user_id = ?1 AND id = ?2 \
                        AND state = 'finished' AND material_id IS NOT NULL)",
        [user_id, reference],
        |row| row.get(0),
    )
}

/// Adds `material` unless the user already holds its sha256; either way
/// answers the material the user now holds and whether it is the new one.
pub(crate) fn insert_or_existing(
    conn: &Connection,
    user_id: &str,
    material: &Material,
) -> rusqlite::Result<(Material, bool)> {
    let inserted = conn.execute(
        "INSERT INTO materials (id, user_id, sha256, size, media_type, filename, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (user_id, sha256) DO NOTHING",
        params![
            material.id,
            user_id,
            material.sha256,
            i64::try_from(material.size).unwrap_or(i64::MAX),
            material.media_type.name(),
            material.filename,
            material.created_at_ms
        ],
    )? == 1;
    if inserted {
        return Ok((material.clone(), true));
    }
    let existing =
        by_sha256(conn, user_id, &material.sha256)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok((existing, false))
}
