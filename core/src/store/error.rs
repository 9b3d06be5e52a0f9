//! The one conversion point from SQLite errors to the core error.

use crate::error::Error;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // SQLite's messages name tables and constraints, never row contents.
        Error::storage(e.to_string())
    }
}

/// True when SQLite says the file is not a database it can read: garbage,
/// truncated, or (for SQLCipher) encrypted under another key.
pub(crate) fn is_unreadable_file(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}
