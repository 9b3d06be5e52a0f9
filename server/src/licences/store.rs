//! The `licences` table, read side.

use banshitong_trust::{ClaimValue, SaltedClaim};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::issue::china_day;

/// A claim as the holder receives it: the value and the salt its signed
/// digest was made with (base64url).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredClaim {
    pub(crate) name: String,
    pub(crate) value: ClaimValue,
    pub(crate) salt: String,
}

impl From<&SaltedClaim> for StoredClaim {
    fn from(claim: &SaltedClaim) -> StoredClaim {
        StoredClaim {
            name: claim.name.clone(),
            value: claim.value.clone(),
            salt: URL_SAFE_NO_PAD.encode(claim.salt),
        }
    }
}

/// Where a licence's revocation bit is.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusListRef {
    pub(crate) id: String,
    pub(crate) index: u64,
}

/// A licence as the API shows it; the holder stays on the server.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Licence {
    pub(crate) id: String,
    pub(crate) licence_type: String,
    pub(crate) title: String,
    pub(crate) issuer: String,
    /// The day it was issued, in China; the signed payload says the same.
    pub(crate) valid_from: String,
    pub(crate) valid_until: Option<String>,
    /// The suite of the issuer key that signed it.
    pub(crate) suite: String,
    /// The issuer-signed COSE_Sign1, base64url.
    pub(crate) cose: String,
    pub(crate) claims: Vec<StoredClaim>,
    /// `valid`, `revoked` or `expired` (past `valid_until` in China).
    pub(crate) status: &'static str,
    pub(crate) status_list: StatusListRef,
    #[serde(skip)]
    pub(crate) user_id: String,
    /// `cose` before encoding, for the server's own checks.
    #[serde(skip)]
    pub(crate) signed: Vec<u8>,
}

impl Licence {
    pub(crate) fn is_revoked(&self) -> bool {
        self.status == "revoked"
    }
}

const COLUMNS: &str = "id, licence_type, title, issuer, valid_until, suite, signed, claims, \
                       status_list_id, status_index, revoked_at_ms, user_id, issued_at_ms";

fn from_row(row: &Row<'_>, now_ms: i64) -> rusqlite::Result<Licence> {
    let valid_until: Option<String> = row.get(4)?;
    let signed: Vec<u8> = row.get(6)?;
    let claims: String = row.get(7)?;
    let claims = serde_json::from_str(&claims).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(error))
    })?;
    let revoked_at_ms: Option<i64> = row.get(10)?;
    let today = china_day(now_ms);
    let status = if revoked_at_ms.is_some() {
        "revoked"
    } else if valid_until
        .as_deref()
        .is_some_and(|until| until < today.as_str())
    {
        "expired"
    } else {
        "valid"
    };
    Ok(Licence {
        id: row.get(0)?,
        licence_type: row.get(1)?,
        title: row.get(2)?,
        issuer: row.get(3)?,
        valid_from: china_day(row.get(12)?),
        valid_until,
        suite: row.get(5)?,
        cose: URL_SAFE_NO_PAD.encode(&signed),
        claims,
        status,
        status_list: StatusListRef {
            id: row.get(8)?,
            index: u64::from(row.get::<_, u32>(9)?),
        },
        user_id: row.get(11)?,
        signed,
    })
}

/// The user's licences in the order they were issued; all signed
/// (`sign::ensure_signed` runs first).
pub(crate) fn list(
    conn: &Connection,
    user_id: &str,
    now_ms: i64,
) -> rusqlite::Result<Vec<Licence>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM licences WHERE user_id = ?1 ORDER BY issued_at_ms, rowid"
    ))?
    .query_map([user_id], |row| from_row(row, now_ms))?
    .collect()
}

/// The signed licence `id`, whoever holds it.
pub(crate) fn find(conn: &Connection, id: &str, now_ms: i64) -> rusqlite::Result<Option<Licence>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM licences WHERE id = ?1 AND signed IS NOT NULL"
    ))?
    .query_row([id], |row| from_row(row, now_ms))
    .optional()
}

/// Marks licence `id` revoked at `now_ms`; its status list's signature is
/// forgotten so the next fetch re-signs it. Returns the licence's status
/// list id, or `None` for an unknown or unsigned licence.
pub(crate) fn revoke(conn: &Connection, id: &str, now_ms: i64) -> rusqlite::Result<Option<String>> {
    let list_id: Option<String> = conn
        .prepare_cached(
            "UPDATE licences SET revoked_at_ms = coalesce(revoked_at_ms, ?2) \
             WHERE id = ?1 AND signed IS NOT NULL RETURNING status_list_id",
        )?
        .query_row(rusqlite::params![id, now_ms], |row| row.get(0))
        .optional()?;
    if let Some(list_id) = &list_id {
        crate::trust::status_store::mark_changed(conn, list_id)?;
    }
    Ok(list_id)
}

/// Whether the user holds the licence `id` of type `licence_type`.
pub(crate) fn holds(
    conn: &Connection,
    user_id: &str,
    licence_type: &str,
    id: &str,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM licences \
         WHERE user_id = ?1 AND licence_type = ?2 AND id = ?3)",
    )?
    .query_row([user_id, licence_type, id], |row| row.get(0))
}
