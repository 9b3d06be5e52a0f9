//! Signing licences: each unsigned row of a user gets a status list index,
//! its claims and salts, and the issuer's COSE_Sign1, in one go. Rows
//! issued before signing existed are signed the same way the first time
//! they are listed.

use banshitong_trust::{LicenceMetadata, StatusRef, issue_licence_to};
use rusqlite::{Connection, params};

use super::claims::{Holder, claims_for};
use super::issue::china_day;
use super::store::StoredClaim;
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
        let metadata = LicenceMetadata {
            licence_id: licence.id.clone(),
            licence_type: licence.licence_type.clone(),
            issuer_name: licence.issuer.clone(),
            issued_at_s: u64::try_from(licence.issued_at_ms / 1000).unwrap_or(0),
            // Valid from the day it was issued (the listing derives the same).
            valid_from: Some(china_day(licence.issued_at_ms)),
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

#[cfg(test)]
mod tests {
    use banshitong_trust::{Licence, Suite};

    use super::*;
    use crate::licences::issue::ensure_issued;
    use crate::licences::store;

    /// 2026-01-01T00:00:00+08:00.
    const NOW: i64 = 1_767_196_800_000;

    /// A user as real-name verification at `NOW` leaves them.
    fn verified_user(conn: &Connection) {
        conn.execute(
            "INSERT INTO users (id, phone, tier, real_name, id_number, verified_with, \
             created_at_ms, verified_at_ms) \
             VALUES ('u_1', '13800138000', 'verified', '张三丰', '11010519491231002X', 'face', \
             ?1, ?1)",
            [NOW],
        )
        .unwrap();
    }

    #[test]
    fn rows_issued_unsigned_are_signed_once() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open_in_memory();
        verified_user(&conn);
        // What a version 6 server left: issued, not signed.
        ensure_issued(&conn, "u_1", NOW).unwrap();
        let unsigned: i64 = conn
            .query_row(
                "SELECT count(*) FROM licences WHERE signed IS NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(unsigned, 3);

        let keys = IssuerKeys::open(dir.path(), Suite::Sm2Sm3).unwrap();
        ensure_signed(&conn, &keys, "u_1").unwrap();
        let signed = store::list(&conn, "u_1", NOW).unwrap();
        let trusted = keys.trusted();
        for licence in &signed {
            let verified = Licence::verify(&licence.signed, &trusted).unwrap();
            assert_eq!(verified.suite, Suite::Sm2Sm3);
            assert_eq!(verified.metadata.valid_from.as_deref(), Some("2026-01-01"));
            assert_eq!(licence.status, "valid");
        }

        // Signing again leaves them as they are.
        ensure_signed(&conn, &keys, "u_1").unwrap();
        let again = store::list(&conn, "u_1", NOW).unwrap();
        let signatures = |list: &[store::Licence]| -> Vec<Vec<u8>> {
            list.iter().map(|licence| licence.signed.clone()).collect()
        };
        assert_eq!(signatures(&again), signatures(&signed));

        // Past its valid_until a licence shows as expired; one without
        // an end never does.
        let later = store::list(&conn, "u_1", NOW + 21 * 366 * 86_400_000).unwrap();
        let statuses: Vec<&str> = later.iter().map(|licence| licence.status).collect();
        assert_eq!(statuses, ["expired", "valid", "expired"]);
    }
}
