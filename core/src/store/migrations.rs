//! Versioned schema migrations, tracked in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The schema of one database as an ordered list of steps. Step N (1-based)
/// moves the schema from version N-1 to N. Steps are append-only: once
/// shipped, a step is never edited, only followed by a new one.
pub struct Migrations(pub &'static [&'static str]);

impl Migrations {
    pub fn latest(&self) -> u32 {
        self.0.len() as u32
    }

    /// Brings `conn` up to the latest version, each step in its own transaction.
    pub fn apply(&self, conn: &mut Connection) -> Result<()> {
        let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > self.latest() {
            return Err(Error::storage(format!(
                "database schema version {current} is newer than this app knows ({}); update the app",
                self.latest()
            )));
        }
        for (index, step) in self.0.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", (index + 1) as u32)?;
            tx.commit()?;
        }
        Ok(())
    }
}
