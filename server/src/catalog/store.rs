//! The catalog in SQLite: seeding, reading a guide, the change feed, and the
//! dev mutations (edit, delete, compact).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::generate::{self, GenDepartment, GenRegion};
use super::model::Guide;
pub(crate) use crate::feed_cursor::Cursor;

/// Generates and stores `count` guides unless the catalog was seeded before
/// (a restart keeps whatever the database holds). One transaction.
pub(crate) fn seed(conn: &mut Connection, count: usize) -> anyhow::Result<()> {
    let seeded: bool =
        conn.query_row("SELECT seeded FROM catalog_state WHERE id = 1", [], |r| {
            r.get(0)
        })?;
    if seeded {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let regions = tx
        .prepare("SELECT code, name, parent_code FROM regions ORDER BY code")?
        .query_map([], |r| {
            Ok(GenRegion {
                code: r.get(0)?,
                name: r.get(1)?,
                parent_code: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let departments = tx
        .prepare("SELECT code, name, region_code, kind FROM departments ORDER BY code")?
        .query_map([], |r| {
            Ok(GenDepartment {
                code: r.get(0)?,
                name: r.get(1)?,
                region_code: r.get(2)?,
                kind: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let guides = generate::generate(count, &regions, &departments, generate::SEED);
    for guide in &guides {
        insert(&tx, guide)?;
    }
    tx.execute("UPDATE catalog_state SET seeded = 1 WHERE id = 1", [])?;
    tx.commit()?;
    tracing::info!(guides = guides.len(), "seeded the service-guide catalog");
    Ok(())
}

fn insert(tx: &Transaction<'_>, guide: &Guide) -> anyhow::Result<()> {
    let body = serde_json::to_string(guide)?;
    tx.prepare_cached(
        "INSERT INTO catalog_guides (code, name, department_code, revision, body) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        guide.code,
        guide.name,
        guide.department_code,
        guide.revision,
        body
    ])?;
    let mut region = tx.prepare_cached(
        "INSERT INTO catalog_guide_regions (guide_code, region_code) VALUES (?1, ?2)",
    )?;
    for code in &guide.region_codes {
        region.execute(params![guide.code, code])?;
    }
    record(tx, &guide.code, false)?;
    Ok(())
}

/// Logs a change of `code`, replacing its earlier change with a new seq.
fn record(tx: &Transaction<'_>, code: &str, deleted: bool) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM catalog_changes WHERE code = ?1")?
        .execute([code])?;
    tx.prepare_cached("INSERT INTO catalog_changes (code, deleted) VALUES (?1, ?2)")?
        .execute(params![code, deleted])?;
    Ok(())
}

/// A guide's stored JSON and revision.
pub(crate) fn get(conn: &Connection, code: &str) -> rusqlite::Result<Option<(String, u32)>> {
    conn.prepare_cached("SELECT body, revision FROM catalog_guides WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// The highest seq ever handed out (0 before any change): the cursor of a
/// client that is caught up.
pub(crate) fn latest_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'catalog_changes'), 0)",
        [],
        |r| r.get(0),
    )
}

pub(crate) fn watermark(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT watermark FROM catalog_state WHERE id = 1",
        [],
        |r| r.get(0),
    )
}

pub(crate) enum ChangesOutcome {
    Page(ChangesPage),
    /// The cursor is below the watermark (or its full pass began before a
    /// compaction), or beyond any seq handed out.
    Expired,
}

pub(crate) struct ChangesPage {
    /// Guide bodies (JSON text), in seq order.
    pub(crate) upserts: Vec<String>,
    pub(crate) deletions: Vec<String>,
    pub(crate) next: Cursor,
    pub(crate) has_more: bool,
    /// Changes logged after this page (for a client's progress bar).
    pub(crate) remaining: i64,
}

/// Changes after `cursor`, at most `limit`.
pub(crate) fn changes(
    conn: &Connection,
    cursor: Cursor,
    limit: usize,
) -> rusqlite::Result<ChangesOutcome> {
    let latest = latest_seq(conn)?;
    let current_watermark = watermark(conn)?;
    let Some(start) = cursor.start(latest, current_watermark) else {
        return Ok(ChangesOutcome::Expired);
    };
    let after = start.after;
    let mut statement = conn.prepare_cached(
        "SELECT c.seq, c.code, c.deleted, g.body FROM catalog_changes c \
         LEFT JOIN catalog_guides g ON g.code = c.code \
         WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2",
    )?;
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let rows = statement
        .query_map(params![after, fetch], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = rows.len() > limit;
    let mut page = ChangesPage {
        upserts: Vec::new(),
        deletions: Vec::new(),
        next: Cursor::Since(after),
        has_more,
        remaining: 0,
    };
    let mut next_seq = after;
    for (seq, code, deleted, body) in rows.into_iter().take(limit) {
        next_seq = seq;
        match (deleted, body) {
            (false, Some(body)) => page.upserts.push(body),
            _ => page.deletions.push(code),
        }
    }
    if has_more {
        page.remaining = conn
            .prepare_cached("SELECT count(*) FROM catalog_changes WHERE seq > ?1")?
            .query_row([next_seq], |r| r.get(0))?;
    }
    page.next = Cursor::after_page(start, has_more, next_seq, latest);
    Ok(ChangesOutcome::Page(page))
}

/// Dev: bumps the revision (and the promised time limit) of `upserts`
/// random guides and deletes `deletions` other random ones, logging each.
/// Returns the codes changed and deleted.
pub(crate) fn mutate(
    conn: &mut Connection,
    upserts: usize,
    deletions: usize,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let tx = conn.transaction()?;
    let picked: Vec<String> = tx
        .prepare("SELECT code FROM catalog_guides ORDER BY random() LIMIT ?1")?
        .query_map([i64::try_from(upserts + deletions)?], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let split = upserts.min(picked.len());
    let (to_update, to_delete) = picked.split_at(split);
    for code in to_update {
        let body: String = tx.query_row(
            "SELECT body FROM catalog_guides WHERE code = ?1",
            [code],
            |r| r.get(0),
        )?;
        let mut guide: Guide = serde_json::from_str(&body)?;
        guide.revision += 1;
        guide.promised_time_limit_days = if guide.promised_time_limit_days > 1 {
            guide.promised_time_limit_days - 1
        } else {
            guide.legal_time_limit_days
        };
        tx.execute(
            "UPDATE catalog_guides SET revision = ?2, body = ?3 WHERE code = ?1",
            params![code, guide.revision, serde_json::to_string(&guide)?],
        )?;
        record(&tx, code, false)?;
    }
    for code in to_delete {
        tx.execute("DELETE FROM catalog_guides WHERE code = ?1", [code])?;
        record(&tx, code, true)?;
    }
    tx.commit()?;
    Ok((to_update.to_vec(), to_delete.to_vec()))
}

/// Dev: moves the watermark to the latest seq and drops the tombstones at or
/// below it. Returns the new watermark.
pub(crate) fn compact(conn: &mut Connection) -> rusqlite::Result<i64> {
    let tx = conn.transaction()?;
    let latest = latest_seq(&tx)?;
    tx.execute(
        "UPDATE catalog_state SET watermark = ?1 WHERE id = 1",
        [latest],
    )?;
    tx.execute(
        "DELETE FROM catalog_changes WHERE deleted = 1 AND seq <= ?1",
        [latest],
    )?;
    tx.commit()?;
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::catalog::form_schema;
    use crate::catalog::items::{COMPANY_THEMES, ITEM_TYPES, ITEMS, PERSON_THEMES};
    use crate::db::open_in_memory;

    #[test]
    fn seeding_is_deterministic_and_consistent() {
        let mut a = open_in_memory();
        let mut b = open_in_memory();
        seed(&mut a, 400).unwrap();
        seed(&mut b, 400).unwrap();
        let bodies = |conn: &Connection| -> Vec<String> {
            conn.prepare("SELECT body FROM catalog_guides ORDER BY code")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let (left, right) = (bodies(&a), bodies(&b));
        assert_eq!(left.len(), 400);
        assert_eq!(left, right);
        let mut names = HashSet::new();
        for body in &left {
            let guide: Guide = serde_json::from_str(body).unwrap();
            names.insert(guide.name.clone());
            assert!(ITEM_TYPES.contains(&guide.item_type.as_str()));
            assert!(guide.themes.iter().all(
                |t| PERSON_THEMES.contains(&t.as_str()) || COMPANY_THEMES.contains(&t.as_str())
            ));
            assert!(guide.promised_time_limit_days <= guide.legal_time_limit_days);
            assert!(guide.online_depth <= 4);
            assert!(!guide.materials.is_empty());
        }
        assert!(names.len() >= 150);
        // Seeding again is a no-op.
        seed(&mut a, 10).unwrap();
        assert_eq!(bodies(&a).len(), 400);
    }

    #[test]
    fn every_guide_of_an_item_shares_its_form_schema() {
        let mut conn = open_in_memory();
        // Enough guides that every item appears in many regions, the
        // province (where fallback departments handle some items) included.
        seed(&mut conn, 3000).unwrap();
        let mut by_item: std::collections::HashMap<String, HashSet<String>> = Default::default();
        let bodies: Vec<String> = conn
            .prepare("SELECT body FROM catalog_guides")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for body in &bodies {
            let guide: Guide = serde_json::from_str(body).unwrap();
            assert_eq!(
                guide.form_schema_id,
                form_schema::for_guide_code(&guide.code)
            );
            by_item
                .entry(guide.name)
                .or_default()
                .insert(guide.form_schema_id);
        }
        assert_eq!(by_item.len(), ITEMS.len());
        for (item, ids) in by_item {
            assert_eq!(ids.len(), 1, "{item}: {ids:?}");
        }
    }

    #[test]
    fn item_names_are_distinct() {
        let names: HashSet<_> = ITEMS.iter().map(|i| i.name).collect();
        assert_eq!(names.len(), ITEMS.len());
        assert!(names.len() >= 150);
    }
}

#[cfg(test)]
mod speed {
    use super::*;
    use crate::db::open_in_memory;

    /// `cargo test -p banshitong-server --release -- --ignored twenty_thousand`
    #[test]
    #[ignore = "timing; run with --release"]
    fn twenty_thousand_guides() {
        let mut conn = open_in_memory();
        let started = std::time::Instant::now();
        seed(&mut conn, 20_000).unwrap();
        let took = started.elapsed();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM catalog_guides", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 20_000);
        eprintln!("20000 guides in {took:?}");
    }
}
