//! Version 3: the service-guide catalog and its change log. The guides
//! themselves are generated after migrating (`catalog::store::seed`), because
//! how many is a `ServerConfig` setting.

use rusqlite::Transaction;

const SCHEMA: &str = "
CREATE TABLE catalog_guides (
    code            TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments(code),
    revision        INTEGER NOT NULL,
    body            TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_guide_regions (
    guide_code  TEXT NOT NULL REFERENCES catalog_guides(code) ON DELETE CASCADE,
    region_code TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (guide_code, region_code)
) STRICT, WITHOUT ROWID;

-- One row per code: its latest change. A newer change replaces the row with
-- a higher seq, so reading seq > cursor yields every code changed since.
CREATE TABLE catalog_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    code    TEXT NOT NULL UNIQUE,
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1))
);

-- seeded: whether the guides were generated; watermark: cursors below it
-- are expired (tombstones up to it were dropped).
CREATE TABLE catalog_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seeded    INTEGER NOT NULL,
    watermark INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_state (id, seeded, watermark) VALUES (1, 0, 0);
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}
