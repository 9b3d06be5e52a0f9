//! An opened database that async code can use without blocking the runtime.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::{Error, Result};

/// One connection behind a mutex; every use runs on tokio's blocking pool.
/// SQLite serialises writers anyway, and a phone app's queries are short,
/// so one connection per database keeps things simple and correct.
#[derive(Clone)]
pub struct Database {
    conn: Arc<Mutex<Connection>>,
}

impl Database {
    pub fn new(conn: Connection) -> Self {
        Self {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock rolled back any open transaction
            // when the Transaction value unwound, so the connection is still sound.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| Error::storage(format!("database task failed: {e}")))?
    }

    /// Whether both handles use the same connection (a wiped and reopened
    /// database is a different one).
    pub fn same_as(&self, other: &Database) -> bool {
        Arc::ptr_eq(&self.conn, &other.conn)
    }

    /// Runs `f` on the calling thread: for synchronous callers and tests.
    pub fn call_blocking<R>(&self, f: impl FnOnce(&mut Connection) -> Result<R>) -> Result<R> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}
