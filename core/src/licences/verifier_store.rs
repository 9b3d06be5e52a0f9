//! The verifier's caches in `catalog.db` (public data, not the user's):
//! trusted issuer keys, issuer-signed status lists with their fetch time,
//! and the nonces already seen, so a replay is refused after a restart.

use std::sync::Mutex;

use banshitong_trust::{NONCE_LEN, ReplayCache, Suite, TrustedIssuers, VerifyingKey};
use rusqlite::{Connection, OptionalExtension, params};

/// An issuer key as cached.
pub(crate) struct CachedIssuer {
    pub(crate) suite: Suite,
    pub(crate) public_key: Vec<u8>,
    pub(crate) name: String,
}

/// Replaces the trusted keys with the platform's current list: a key the
/// platform stopped publishing is no longer trusted here either.
pub(crate) fn save_issuers(
    conn: &mut Connection,
    issuers: &[CachedIssuer],
    now_ms: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM trusted_issuers", [])?;
    for issuer in issuers {
        let Ok(key) = VerifyingKey::from_bytes(issuer.suite, &issuer.public_key) else {
            continue;
        };
        tx.execute(
            "INSERT OR REPLACE INTO trusted_issuers (kid, suite, public_key, name, fetched_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                key.kid().as_bytes(),
                issuer.suite.as_str(),
                issuer.public_key,
                issuer.name,
                now_ms
            ],
        )?;
    }
    tx.commit()
}

/// The cached keys; a row that no longer parses is left out, not trusted.
pub(crate) fn issuers(conn: &Connection) -> rusqlite::Result<TrustedIssuers> {
    let mut select = conn.prepare("SELECT suite, public_key FROM trusted_issuers")?;
    let rows = select.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut trusted = TrustedIssuers::new();
    for row in rows {
        let (suite, public_key) = row?;
        if let Ok(key) = suite
            .parse()
            .and_then(|suite| VerifyingKey::from_bytes(suite, &public_key))
        {
            trusted.add(key);
        }
    }
    Ok(trusted)
}

pub(crate) fn save_status_list(
    conn: &Connection,
    id: &str,
    cose: &[u8],
    fetched_at_ms: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO status_lists (id, cose, fetched_at_ms) VALUES (?1, ?2, ?3)",
        params![id, cose, fetched_at_ms],
    )?;
    Ok(())
}

/// The signed list and when it was fetched.
pub(crate) fn status_list(conn: &Connection, id: &str) -> rusqlite::Result<Option<(Vec<u8>, i64)>> {
    conn.query_row(
        "SELECT cose, fetched_at_ms FROM status_lists WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()
}

pub(crate) fn status_list_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut select = conn.prepare("SELECT id FROM status_lists ORDER BY id")?;
    select.query_map([], |row| row.get(0))?.collect()
}

/// The replay cache on the verifier's SQLite connection.
pub(crate) struct SqliteReplayCache<'a> {
    conn: Mutex<&'a mut Connection>,
}

impl<'a> SqliteReplayCache<'a> {
    pub(crate) fn new(conn: &'a mut Connection) -> Self {
        Self {
            conn: Mutex::new(conn),
        }
    }

    fn record(
        conn: &mut Connection,
        nonce: &[u8; NONCE_LEN],
        until_ms: u64,
        now_ms: u64,
    ) -> rusqlite::Result<bool> {
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM seen_nonces WHERE until_ms <= ?1",
            [now_ms as i64],
        )?;
        let seen: Option<i64> = tx
            .query_row(
                "SELECT until_ms FROM seen_nonces WHERE nonce = ?1",
                [nonce.as_slice()],
                |row| row.get(0),
            )
            .optional()?;
        let until = seen.map_or(until_ms as i64, |s| s.max(until_ms as i64));
        tx.execute(
            "INSERT OR REPLACE INTO seen_nonces (nonce, until_ms) VALUES (?1, ?2)",
            params![nonce.as_slice(), until],
        )?;
        tx.commit()?;
        Ok(seen.is_some())
    }
}

impl ReplayCache for SqliteReplayCache<'_> {
    fn seen(&self, nonce: &[u8; NONCE_LEN], until_ms: u64, now_ms: u64) -> bool {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        match Self::record(&mut conn, nonce, until_ms, now_ms) {
            Ok(seen) => seen,
            // A nonce that cannot be recorded cannot be checked next time
            // either: refusing is the safe answer.
            Err(e) => {
                tracing::warn!(error = %e, "the replay cache could not be written");
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::CATALOG;

    #[test]
    fn a_nonce_is_seen_within_its_window_only() {
        let mut conn = Connection::open_in_memory().unwrap();
        CATALOG.apply(&mut conn).unwrap();
        let cache = SqliteReplayCache::new(&mut conn);
        let nonce = [9; NONCE_LEN];
        assert!(!cache.seen(&nonce, 1_000, 0));
        assert!(cache.seen(&nonce, 1_000, 500));
        assert!(!cache.seen(&nonce, 3_000, 1_000));
        assert!(!cache.seen(&[1; NONCE_LEN], 3_000, 1_000));
    }
}
