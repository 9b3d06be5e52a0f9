use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use rusqlite::Connection;

use super::{FILE_NAME, migrations};

/// How long a statement waits for a lock held by another connection (say, a
/// developer's sqlite3 shell) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) fn open(data_dir: &Path, catalog_guides: usize) -> anyhow::Result<Connection> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data dir {}", data_dir.display()))?;
    let path = data_dir.join(FILE_NAME);
    let mut conn =
        Connection::open(&path).with_context(|| format!("opening {}", path.display()))?;

    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets readers (a second server, a shell) run alongside the writer
    // and survives a killed process without a rollback journal dance.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("{} refused WAL mode (got {mode})", path.display());
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    // With WAL, NORMAL loses at most the last transactions on power loss,
    // never integrity; that is the right trade for this server.
    conn.pragma_update(None, "synchronous", "normal")?;

    migrations::migrate(&mut conn).with_context(|| format!("migrating {}", path.display()))?;
    crate::catalog::store::seed(&mut conn, catalog_guides)
        .with_context(|| format!("seeding the catalog in {}", path.display()))?;
    Ok(conn)
}
