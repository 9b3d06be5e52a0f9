//! Signing status lists. A list is re-signed when its bits changed (a
//! revocation forgets the signature) and when the signature is older than
//! half its max-age, so a verifier that judges a list by when it was
//! issued still gets at least half a max-age of use from a fresh fetch.

use banshitong_trust::{StatusList, Suite};
use rusqlite::Connection;

use super::IssuerKeys;
use super::status_store::{self, LIST_CAPACITY};

/// The signed list `id` as of `now_ms`, signing it again if needed;
/// `None` for a list that doesn't exist.
pub(crate) fn current(
    conn: &Connection,
    keys: &IssuerKeys,
    id: &str,
    ttl_s: u64,
    now_ms: i64,
) -> rusqlite::Result<Option<Vec<u8>>> {
    let Some(suite) = status_store::suite_of(conn, id)? else {
        return Ok(None);
    };
    if let Some((signed, at_ms)) = status_store::signed(conn, id)? {
        let age_ms = now_ms.saturating_sub(at_ms);
        if age_ms < i64::try_from(ttl_s * 1000 / 2).unwrap_or(i64::MAX) {
            return Ok(Some(signed));
        }
    }
    // Rows only ever hold suites this server wrote.
    let suite: Suite = suite.parse().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(error))
    })?;
    let mut list = StatusList::new(id, u64::from(LIST_CAPACITY), ttl_s);
    for index in status_store::revoked_indexes(conn, id)? {
        // Indexes are handed out below the capacity, so this can't fail.
        let _ = list.revoke(u64::from(index));
    }
    let issued_at_s = u64::try_from(now_ms / 1000).unwrap_or(0);
    let signed = list.sign(keys.key(suite), issued_at_s);
    status_store::store_signed(conn, id, &signed, now_ms)?;
    Ok(Some(signed))
}
