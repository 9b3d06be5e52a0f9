//! The push outbox: for every change of an application, the data message
//! (FCM/APNs) the platform would send to its owner's devices. There is no
//! push gateway here; the dev route shows what would have gone out.
//!
//! The message is a flat string map, as FCM data messages are, and only a
//! hint: the application number and status, never the applicant's data.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::clock::rfc3339_utc;

/// How many messages are kept per user; older ones are dropped.
const KEPT_PER_USER: i64 = 500;

/// The data message for a change of `application_no` to `status`.
pub(crate) fn message(
    user_id: &str,
    application_no: &str,
    status: &str,
    change_seq: i64,
) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("bst", "1".to_owned()),
        ("kind", "application_changed".to_owned()),
        ("user", user_id.to_owned()),
        ("application_no", application_no.to_owned()),
        ("status", status.to_owned()),
        ("change_seq", change_seq.to_string()),
    ])
}

/// Appends a message for `user_id`, in the transaction of the change.
pub(crate) fn append(
    conn: &Connection,
    user_id: &str,
    data: &BTreeMap<&'static str, String>,
    now_ms: i64,
) -> rusqlite::Result<()> {
    let data = serde_json::to_string(data)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?;
    conn.prepare_cached(
        "INSERT INTO push_outbox (user_id, data_json, created_at_ms) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![user_id, data, now_ms])?;
    conn.prepare_cached(
        "DELETE FROM push_outbox WHERE user_id = ?1 AND id <= \
         (SELECT id FROM push_outbox WHERE user_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![user_id, KEPT_PER_USER])?;
    Ok(())
}

/// A message as the dev route lists it.
#[derive(Debug, Serialize)]
pub(crate) struct Sent {
    data: serde_json::Value,
    sent_at: String,
}

/// `user_id`'s messages, newest last.
pub(crate) fn list(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<Sent>> {
    conn.prepare_cached(
        "SELECT data_json, created_at_ms FROM push_outbox WHERE user_id = ?1 ORDER BY id",
    )?
    .query_map([user_id], |row| {
        let data: String = row.get(0)?;
        Ok(Sent {
            data: serde_json::from_str(&data).unwrap_or_default(),
            sent_at: rfc3339_utc(row.get(1)?),
        })
    })?
    .collect()
}
