//! The server's state: one SQLite file, `DATA_DIR/platform.db`.
//!
//! A single connection behind a mutex, used only inside `spawn_blocking`, so
//! SQLite never blocks a runtime thread. One connection is plenty for a
//! development server and keeps writes trivially serialised.

pub(crate) mod migrations;
mod open;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use crate::problem::Problem;

pub(crate) const FILE_NAME: &str = "platform.db";

#[derive(Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl Db {
    /// Opens (creating if needed) `platform.db` in `data_dir`, applies the
    /// pragmas and brings the schema and seed data up to date.
    /// A fresh database also gets `catalog_guides` generated service guides.
    pub(crate) async fn open(data_dir: PathBuf, catalog_guides: usize) -> anyhow::Result<Db> {
        let conn =
            tokio::task::spawn_blocking(move || open::open(&data_dir, catalog_guides)).await??;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on the connection on the blocking pool.
    pub(crate) async fn call<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock can't leave the connection in a
            // state SQLite doesn't already roll back, so poisoning is ignored.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut conn)
        })
        .await?
        .map_err(DbError::from)
    }
}

/// A migrated in-memory database, for unit tests of code that runs SQL.
#[cfg(test)]
pub(crate) fn open_in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("in-memory SQLite");
    conn.pragma_update(None, "foreign_keys", true)
        .expect("foreign keys");
    migrations::migrate(&mut conn).expect("migrations apply");
    conn
}

impl From<DbError> for Problem {
    fn from(error: DbError) -> Problem {
        // The cause is for the operator; the client gets the request id.
        tracing::error!(%error, "database error");
        Problem::internal()
    }
}
