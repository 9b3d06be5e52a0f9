//! A signed-in user's settings on this device (preferred region, language,
//! ...), kept in their encrypted personal database.

use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::store::Database;
use crate::time_util::now_ms;

#[derive(Clone)]
pub struct Preferences {
    db: Database,
}

impl Preferences {
    pub(crate) fn new(db: Database) -> Self {
        Self { db }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_owned();
        self.db
            .call(move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT value FROM preferences WHERE key = ?1",
                        [key],
                        |row| row.get(0),
                    )
                    .optional()?)
            })
            .await
    }

    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.db
            .call(move |conn| {
                conn.execute(
                    "INSERT INTO preferences (key, value, updated_at_ms) VALUES (?1, ?2, ?3)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value,
                                                    updated_at_ms = excluded.updated_at_ms",
                    params![key, value, now_ms()],
                )?;
                Ok(())
            })
            .await
    }
}
