//! The offline guide catalog in `catalog.db`: guides, their facets and
//! search tokens, and where the sync stands. Every change here happens in
//! the caller's transaction, so a page of changes lands whole or not at all.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::model::Guide;
use crate::catalog::search::facets::{facets_of, token};
use crate::catalog::search::tokens::{Field, index_text};
use crate::error::{Error, Result};

/// Where the sync stands.
#[derive(Debug, Clone)]
pub(crate) struct SyncState {
    pub(crate) cursor: Option<String>,
    /// Bumped at the start of each full pass; guides not seen by a full
    /// pass keep an older generation and are swept when it ends.
    pub(crate) generation: i64,
    pub(crate) full_pass_open: bool,
    pub(crate) last_synced_at_ms: Option<i64>,
}

pub(crate) fn sync_state(conn: &Connection) -> Result<SyncState> {
    Ok(conn.query_row(
        "SELECT cursor, generation, full_pass_open, last_synced_at_ms \
         FROM guide_sync WHERE id = 1",
        [],
        |r| {
            Ok(SyncState {
                cursor: r.get(0)?,
                generation: r.get(1)?,
                full_pass_open: r.get(2)?,
                last_synced_at_ms: r.get(3)?,
            })
        },
    )?)
}

/// Starts a full pass: from the beginning of the change feed, sweeping at
/// the end whatever it did not see. The old catalog stays readable meanwhile.
pub(crate) fn begin_full_pass(tx: &Transaction<'_>) -> Result<i64> {
    tx.execute(
        "UPDATE guide_sync SET cursor = NULL, generation = generation + 1, full_pass_open = 1 \
         WHERE id = 1",
        [],
    )?;
    Ok(sync_state(tx)?.generation)
}

/// Ends a full pass: guides the pass did not bring are gone from the platform.
pub(crate) fn end_full_pass(tx: &Transaction<'_>, generation: i64) -> Result<usize> {
    let stale: Vec<i64> = tx
        .prepare("SELECT id FROM guides WHERE generation < ?1")?
        .query_map([generation], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &stale {
        remove(tx, *id)?;
    }
    tx.execute("UPDATE guide_sync SET full_pass_open = 0 WHERE id = 1", [])?;
    Ok(stale.len())
}

pub(crate) fn set_cursor(tx: &Transaction<'_>, cursor: &str, now_ms: i64) -> Result<()> {
    tx.execute(
        "UPDATE guide_sync SET cursor = ?1, last_synced_at_ms = ?2 WHERE id = 1",
        params![cursor, now_ms],
    )?;
    Ok(())
}

pub(crate) fn set_snapshot_etag(tx: &Transaction<'_>, etag: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE guide_sync SET snapshot_etag = ?1 WHERE id = 1",
        [etag],
    )?;
    Ok(())
}

/// The search tokens of a guide: its text by field, then its facets.
fn index_tokens(guide: &Guide, facets: &[String]) -> String {
    let mut out = String::with_capacity(4096);
    index_text(&guide.name, Field::Name, &mut out);
    for m in &guide.materials {
        index_text(&m.name, Field::Key, &mut out);
    }
    for c in &guide.conditions {
        index_text(c, Field::Key, &mut out);
    }
    let mut body = |text: &str| index_text(text, Field::Body, &mut out);
    body(&guide.item_type);
    body(&guide.department_name);
    guide.themes.iter().for_each(|t| body(t));
    guide.legal_basis.iter().for_each(|b| body(b));
    for s in &guide.steps {
        body(&s.name);
        body(&s.description);
    }
    for f in &guide.fees {
        body(&f.name);
        body(&f.basis);
    }
    for p in &guide.places {
        for text in [&p.name, &p.address, &p.window, &p.hours, &p.phone] {
            body(text);
        }
    }
    for facet in facets {
        out.push(' ');
        out.push_str(&token(facet));
    }
    out
}

/// Inserts or replaces a guide and its index entries. A guide whose
/// revision did not change is only marked as seen.
pub(crate) fn upsert(tx: &Transaction<'_>, guide: &Guide, generation: i64) -> Result<()> {
    let existing: Option<(i64, u32)> = tx
        .prepare_cached("SELECT id, revision FROM guides WHERE code = ?1")?
        .query_row([&guide.code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, revision)) = existing {
        if revision == guide.revision {
            tx.prepare_cached("UPDATE guides SET generation = ?2 WHERE id = ?1")?
                .execute(params![id, generation])?;
            return Ok(());
        }
        remove(tx, id)?;
    }
    let body = serde_json::to_string(guide)
        .map_err(|e| Error::storage(format!("cannot store guide {}: {e}", guide.code)))?;
    let material_names: Vec<&str> = guide.materials.iter().map(|m| m.name.as_str()).collect();
    tx.prepare_cached(
        "INSERT INTO guides (id, code, name, department_code, department_name, material_names, \
         revision, body, generation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        existing.map(|(id, _)| id),
        guide.code,
        guide.name,
        guide.department_code,
        guide.department_name,
        material_names.join("\n"),
        guide.revision,
        body,
        generation
    ])?;
    let id = tx.last_insert_rowid();
    let facets = facets_of(guide);
    let mut facet_insert =
        tx.prepare_cached("INSERT INTO guide_facets (facet, guide_id) VALUES (?1, ?2)")?;
    for facet in &facets {
        facet_insert.execute(params![facet, id])?;
    }
    tx.prepare_cached("INSERT INTO guide_index (rowid, tokens) VALUES (?1, ?2)")?
        .execute(params![id, index_tokens(guide, &facets)])?;
    Ok(())
}

/// Removes a guide by code; false when there was none.
pub(crate) fn delete(tx: &Transaction<'_>, code: &str) -> Result<bool> {
    let id: Option<i64> = tx
        .prepare_cached("SELECT id FROM guides WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => remove(tx, id).map(|()| true),
        None => Ok(false),
    }
}

fn remove(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM guide_index WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM guide_facets WHERE guide_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM guides WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub(crate) fn load(conn: &Connection, code: &str) -> Result<Option<Guide>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM guides WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?;
    body.map(|b| {
        serde_json::from_str(&b)
            .map_err(|e| Error::storage(format!("stored guide {code} does not parse: {e}")))
    })
    .transpose()
}

pub(crate) fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM guides", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// The words pinyin queries are resolved against: every distinct guide
/// name and material name.
pub(crate) fn vocabulary_words(conn: &Connection) -> Result<Vec<String>> {
    let mut words: Vec<String> = conn
        .prepare("SELECT DISTINCT name FROM guides")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let materials: Vec<String> = conn
        .prepare("SELECT DISTINCT material_names FROM guides")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    for list in materials {
        for name in list.split('\n') {
            if seen.insert(name.to_owned()) {
                words.push(name.to_owned());
            }
        }
    }
    Ok(words)
}
