//! One SQLite connection with the pragmas every database of ours wants.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

/// Opens (creating if needed) the database at `path`. With `key`, the file is
/// a SQLCipher database under that raw 256-bit key. The first read proves the
/// file is a database we can open; it fails with NotADatabase otherwise.
pub(crate) fn open_connection(path: &Path, key: Option<&[u8; 32]>) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        // SQLCipher writes its own diagnostics to stderr when a key does not
        // fit; we report that case through our error type instead.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        // The x'..' form is a raw key: SQLCipher skips its slow PBKDF2, which
        // only matters for human passphrases, not for 256 random bits.
        let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key)));
        conn.execute_batch(&pragma)?;
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(conn)
}
