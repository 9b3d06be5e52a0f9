//! Signing licences: each unsigned row of a user gets a status list index,
//! its claims and salts, and the issuer's COSE_Sign1, in one go. Rows
//! issued before signing existed are signed the same way the first time
//! they are listed.

use banshitong_trust::{LicenceMetadata, StatusRef, issue_licence_to};
use rusqlite::{Connection, params};

use super::claims::{Holder, claims_for};
use super::store::StoredClaim;
use crate::clock::china_date;
use crate::trust::IssuerKeys;
use crate::trust::status_store;

struct Unsigned {
    id: String,
    licence_type: String,
    holder: String,
    issuer: String,
    valid_until: Option<String>,
    issued_at_ms: i64,
    real_name: Option<String>,
    company_name: Option<String>,
}

/// Signs `user_id`'s licences that have no signature yet with the
/// configured suite.
pub(crate) fn ensure_signed(
    conn: &Connection,
    keys: &IssuerKeys,
    user_id: &str,
) -> rusqlite::Result<()> {
    let unsigned: Vec<Unsigned> = conn
        .prepare_cached(
            "SELECT l.id, l.licence_type, l.holder, l.issuer, l.valid_until, l.issued_at_ms, \
             u.real_name, c.name FROM licences l JOIN users u ON u.id = l.user_id \
             LEFT JOIN companies c ON c.user_id = l.user_id AND c.uscc = l.holder \
             WHERE l.user_id = ?1 AND l.signed IS NULL ORDER BY l.issued_at_ms, l.rowid",
        )?
        .query_map([user_id], |row| {
            Ok(Unsigned {
                id: row.get(0)?,
                licence_type: row.get(1)?,
                holder: row.get(2)?,
                issuer: row.get(3)?,
                valid_until: row.get(4)?,
                issued_at_ms: row.get(5)?,
                real_name: row.get(6)?,
                company_name: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let key = keys.signing_key();
    let suite = key.suite().as_str();
    for licence in unsigned {
        let (list_id, index) = status_store::allocate(conn, suite)?;
        let (year, month, day) = china_date(licence.issued_at_ms);
        let metadata = LicenceMetadata {
            licence_id: licence.id.clone(),
            licence_type: licence.licence_type.clone(),
            issuer_name: licence.issuer.clone(),
            issued_at_s: u64::try_from(licence.issued_at_ms / 1000).unwrap_or(0),
            valid_from: Some(format!("{year:04}-{month:02}-{day:02}")),
            valid_until: licence.valid_until.clone(),
            status: StatusRef {
                list_id: list_id.clone(),
                index: u64::from(index),
            },
        };
        let claims = claims_for(
            &licence.licence_type,
            &Holder {
                holder: &licence.holder,
                real_name: licence.real_name.as_deref(),
                company_name: licence.company_name.as_deref(),
            },
        );
        let (signed, disclosable) = issue_licence_to(key, &metadata, user_id, &claims)
            .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?;
        let stored: Vec<StoredClaim> = disclosable.claims.iter().map(StoredClaim::from).collect();
        let stored = serde_json::to_string(&stored)
            .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?;
        conn.prepare_cached(
            "UPDATE licences SET suite = ?2, signed = ?3, claims = ?4, status_list_id = ?5, \
             status_index = ?6 WHERE id = ?1",
        )?
        .execute(params![licence.id, suite, signed, stored, list_id, index])?;
    }
    Ok(())
}
