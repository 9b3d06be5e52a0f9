//! The `devices` table.

use rusqlite::{Connection, params};

/// A device key as registered, with the certificate made for it.
pub(crate) struct NewDevice<'a> {
    pub(crate) id: &'a str,
    pub(crate) user_id: &'a str,
    pub(crate) suite: &'a str,
    pub(crate) public_key: &'a [u8],
    pub(crate) certificate: &'a [u8],
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: i64,
}

pub(crate) fn insert(conn: &Connection, device: &NewDevice<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO devices \
         (id, user_id, suite, public_key, certificate, created_at_ms, expires_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        device.id,
        device.user_id,
        device.suite,
        device.public_key,
        device.certificate,
        device.created_at_ms,
        device.expires_at_ms
    ])?;
    Ok(())
}

/// `dev_` and 24 lowercase hex digits.
pub(crate) fn new_id() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("dev_{}", &hex[..24])
}
