//! Idempotency keys (`Idempotency-Key` header) of submissions: a retried
//! request with the same key and body gets the stored answer again, never
//! a second application; the same key with another body is refused.
//!
//! A key belongs to one user and is remembered 24 hours from its first
//! use, by the server's clock. Only successful submissions are stored: a
//! request refused before anything was created (validation, an unknown
//! guide) can be corrected and sent again with the same key.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::clock::ms;

/// How long a key is remembered.
pub(crate) const TTL: Duration = Duration::from_secs(24 * 3600);

/// Longest key accepted, in characters.
pub(crate) const MAX_KEY_LEN: usize = 255;

/// A key is 1–255 visible ASCII characters (what an HTTP header can carry
/// as text), e.g. a UUID.
pub(crate) fn is_valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !key.trim().is_empty()
}

/// The stored answer to a key's first request.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) fingerprint: Vec<u8>,
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) application_no: String,
}

/// SHA-256 of the request body as canonical JSON (object members sorted,
/// no whitespace), so the same request sent with other spacing or member
/// order is recognised as the same.
pub(crate) fn fingerprint(body: &serde_json::Value) -> Vec<u8> {
    let mut canonical = String::new();
    write_canonical(body, &mut canonical);
    Sha256::digest(canonical.as_bytes()).to_vec()
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(member, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The live (under 24 hours old) answer stored under the user's key.
pub(crate) fn lookup(
    conn: &Connection,
    user_id: &str,
    key: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<Stored>> {
    conn.prepare_cached(
        "SELECT fingerprint, status, body, application_no FROM idempotency_keys \
         WHERE user_id = ?1 AND key = ?2 AND created_at_ms > ?3",
    )?
    .query_row(params![user_id, key, now_ms - ms(TTL)], |row| {
        Ok(Stored {
            fingerprint: row.get(0)?,
            status: row.get(1)?,
            body: row.get(2)?,
            application_no: row.get(3)?,
        })
    })
    .optional()
}

/// Forgets every key older than 24 hours (so an expired key can be used
/// again: the unique index would refuse it otherwise).
pub(crate) fn purge_expired(conn: &Connection, now_ms: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM idempotency_keys WHERE created_at_ms <= ?1")?
        .execute([now_ms - ms(TTL)])
}

/// Stores the answer to a key's first request. The unique index on
/// (user, key) refuses a second row for a live key.
pub(crate) fn store(
    conn: &Connection,
    user_id: &str,
    key: &str,
    stored: &Stored,
    now_ms: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys \
         (user_id, key, fingerprint, status, body, application_no, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        user_id,
        key,
        stored.fingerprint,
        stored.status,
        stored.body,
        stored.application_no,
        now_ms
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_fingerprint_ignores_member_order_and_spacing() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": [1, {"y": 2, "x": "张"}], "a": null}"#).unwrap();
        let b = json!({"a": null, "b": [1, {"x": "张", "y": 2}]});
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&json!({"a": null, "b": [1]})));
        // Arrays keep their order.
        assert_ne!(fingerprint(&json!([1, 2])), fingerprint(&json!([2, 1])));
    }

    #[test]
    fn keys() {
        assert!(is_valid_key("0b6f1c9e-5a0f-4f7e-9d57-2f1d3c1e8a42"));
        assert!(is_valid_key(&"k".repeat(MAX_KEY_LEN)));
        assert!(!is_valid_key(&"k".repeat(MAX_KEY_LEN + 1)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("   "));
        assert!(!is_valid_key("tab\there"));
    }
}
