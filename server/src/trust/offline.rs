//! What the server's own check of an offline presentation needs besides
//! its keys: every status list as of now, as a verifier that just fetched
//! them would hold them. There is one list per suite until one fills up,
//! so this is a handful.

use banshitong_trust::{CachedStatusList, StatusList};
use rusqlite::Connection;

use super::IssuerKeys;
use super::status_lists;

pub(crate) fn current_lists(
    conn: &Connection,
    keys: &IssuerKeys,
    ttl_s: u64,
    now_ms: i64,
) -> rusqlite::Result<Vec<CachedStatusList>> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM status_lists ORDER BY id")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let issuers = keys.trusted();
    let mut lists = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(signed) = status_lists::current(conn, keys, &id, ttl_s, now_ms)? else {
            continue;
        };
        // Signed by our own keys a moment ago, so it verifies.
        if let Ok((list, _kid)) = StatusList::verify(&signed, &issuers) {
            lists.push(CachedStatusList {
                list,
                fetched_at_ms: u64::try_from(now_ms).unwrap_or(0),
            });
        }
    }
    Ok(lists)
}
