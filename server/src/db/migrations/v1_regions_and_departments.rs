//! Version 1: the administrative regions of Yunnan and the departments that
//! handle service items, seeded from the data embedded in the binary.

use rusqlite::{Transaction, params};

use crate::seed;

const SCHEMA: &str = "
CREATE TABLE regions (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    level       TEXT NOT NULL CHECK (level IN ('province', 'prefecture', 'county'))
) STRICT;
CREATE INDEX regions_by_parent ON regions(parent_code);

CREATE TABLE departments (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL REFERENCES regions(code),
    level       TEXT NOT NULL CHECK (level IN ('province', 'prefecture')),
    kind        TEXT NOT NULL
) STRICT;
CREATE INDEX departments_by_region ON departments(region_code);
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;

    // The CSV is embedded and covered by tests, so this only fails if a bad
    // edit slipped through; the whole migration then rolls back.
    let regions = seed::regions::all()?;
    let mut insert =
        tx.prepare("INSERT INTO regions (code, name, parent_code, level) VALUES (?1, ?2, ?3, ?4)")?;
    for region in &regions {
        insert.execute(params![
            region.code,
            region.name,
            region.parent_code,
            region.level.as_str()
        ])?;
    }

    let mut insert = tx.prepare(
        "INSERT INTO departments (code, name, region_code, level, kind) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for department in seed::departments::all(&regions) {
        insert.execute(params![
            department.code,
            department.name,
            department.region_code,
            department.level.as_str(),
            department.kind.as_str()
        ])?;
    }
    Ok(())
}
