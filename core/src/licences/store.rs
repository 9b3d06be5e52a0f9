//! The user's licences in their personal (encrypted) database, so they can
//! be read and presented with no network; and the device certificates.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::model::{Licence, LicenceClaim, LicenceStatus};

/// A claim with the salt that opens its digest in the signed licence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SaltedClaim {
    pub(crate) name: String,
    pub(crate) value: serde_json::Value,
    pub(crate) salt: Vec<u8>,
}

/// A licence as kept: what the holder reads plus what presenting needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredLicence {
    pub(crate) id: String,
    pub(crate) licence_type: String,
    pub(crate) title: String,
    pub(crate) issuer: String,
    pub(crate) suite: String,
    /// The issuer's COSE_Sign1, byte for byte.
    pub(crate) cose: Vec<u8>,
    pub(crate) claims: Vec<SaltedClaim>,
    pub(crate) valid_from: Option<String>,
    pub(crate) valid_until: Option<String>,
    /// As the platform said at the last sync.
    pub(crate) status: LicenceStatus,
    pub(crate) status_list: Option<(String, u64)>,
    pub(crate) synced_at_ms: i64,
}

impl StoredLicence {
    /// The holder's view; a licence past its last valid day shows expired
    /// even when the platform has not said so yet.
    pub(crate) fn view(&self, today: &str) -> Licence {
        let expired = self
            .valid_until
            .as_deref()
            .is_some_and(|until| until < today);
        let status = match self.status {
            LicenceStatus::Valid if expired => LicenceStatus::Expired,
            other => other,
        };
        Licence {
            id: self.id.clone(),
            licence_type: self.licence_type.clone(),
            title: self.title.clone(),
            issuer: self.issuer.clone(),
            suite: self.suite.clone(),
            valid_from: self.valid_from.clone(),
            valid_until: self.valid_until.clone(),
            status,
            claims: self
                .claims
                .iter()
                .map(|c| LicenceClaim {
                    name: c.name.clone(),
                    value_json: c.value.to_string(),
                    masked: c.name.ends_with(super::MASKED_SUFFIX),
                })
                .collect(),
            synced_at_ms: self.synced_at_ms,
        }
    }
}

const COLUMNS: &str = "id, licence_type, title, issuer, suite, cose, claims_json, valid_from, \
     valid_until, status, status_list_id, status_list_index, synced_at_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredLicence> {
    let claims_json: String = row.get(6)?;
    let claims = serde_json::from_str(&claims_json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let status: String = row.get(9)?;
    let status = LicenceStatus::from_name(&status).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(
            9,
            format!("status {status}"),
            rusqlite::types::Type::Text,
        )
    })?;
    let list_id: Option<String> = row.get(10)?;
    let list_index: Option<i64> = row.get(11)?;
    Ok(StoredLicence {
        id: row.get(0)?,
        licence_type: row.get(1)?,
        title: row.get(2)?,
        issuer: row.get(3)?,
        suite: row.get(4)?,
        cose: row.get(5)?,
        claims,
        valid_from: row.get(7)?,
        valid_until: row.get(8)?,
        status,
        status_list: list_id.zip(list_index.map(|i| i as u64)),
        synced_at_ms: row.get(12)?,
    })
}

/// Replaces the held licences with the platform's list in one transaction:
/// one the platform no longer lists is gone from the device too.
pub(crate) fn replace_all(
    conn: &mut Connection,
    licences: &[StoredLicence],
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM licences", [])?;
    {
        let mut insert = tx.prepare(&format!(
            "INSERT INTO licences ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ))?;
        for l in licences {
            let claims_json = serde_json::to_string(&l.claims)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            insert.execute(params![
                l.id,
                l.licence_type,
                l.title,
                l.issuer,
                l.suite,
                l.cose,
                claims_json,
                l.valid_from,
                l.valid_until,
                l.status.name(),
                l.status_list.as_ref().map(|(id, _)| id.clone()),
                l.status_list.as_ref().map(|(_, index)| *index as i64),
                l.synced_at_ms,
            ])?;
        }
    }
    tx.commit()
}

pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<StoredLicence>> {
    let mut select = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM licences ORDER BY licence_type, id"
    ))?;
    select.query_map([], from_row)?.collect()
}

pub(crate) fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredLicence>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM licences WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

/// This device's registration for one suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceRegistration {
    pub(crate) suite: String,
    pub(crate) device_id: String,
    pub(crate) public_key: Vec<u8>,
    /// The issuer's COSE_Sign1 device certificate.
    pub(crate) certificate: Vec<u8>,
    pub(crate) expires_at_ms: Option<i64>,
    pub(crate) registered_at_ms: i64,
}

pub(crate) fn device(
    conn: &Connection,
    suite: &str,
) -> rusqlite::Result<Option<DeviceRegistration>> {
    conn.query_row(
        "SELECT suite, device_id, public_key, certificate, expires_at_ms, registered_at_ms
         FROM licence_devices WHERE suite = ?1",
        [suite],
        |row| {
            Ok(DeviceRegistration {
                suite: row.get(0)?,
                device_id: row.get(1)?,
                public_key: row.get(2)?,
                certificate: row.get(3)?,
                expires_at_ms: row.get(4)?,
                registered_at_ms: row.get(5)?,
            })
        },
    )
    .optional()
}

pub(crate) fn save_device(conn: &Connection, d: &DeviceRegistration) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO licence_devices
         (suite, device_id, public_key, certificate, expires_at_ms, registered_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            d.suite,
            d.device_id,
            d.public_key,
            d.certificate,
            d.expires_at_ms,
            d.registered_at_ms
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::PERSONAL;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        PERSONAL.apply(&mut conn).unwrap();
        conn
    }

    fn licence(id: &str, valid_until: &str) -> StoredLicence {
        StoredLicence {
            id: id.into(),
            licence_type: "居民身份证".into(),
            title: "居民身份证".into(),
            issuer: "云南省公安厅".into(),
            suite: "ed25519".into(),
            cose: vec![0xd2, 0x84],
            claims: vec![
                SaltedClaim {
                    name: "name".into(),
                    value: serde_json::json!("张三"),
                    salt: vec![1; 16],
                },
                SaltedClaim {
                    name: "name_masked".into(),
                    value: serde_json::json!("张*"),
                    salt: vec![2; 16],
                },
            ],
            valid_from: Some("2020-01-01".into()),
            valid_until: Some(valid_until.into()),
            status: LicenceStatus::Valid,
            status_list: Some(("list-1".into(), 7)),
            synced_at_ms: 1,
        }
    }

    #[test]
    fn a_sync_replaces_the_list_and_keeps_every_field() {
        let mut conn = db();
        replace_all(
            &mut conn,
            &[licence("a", "2040-01-01"), licence("b", "2040-01-01")],
        )
        .unwrap();
        replace_all(&mut conn, &[licence("b", "2041-01-01")]).unwrap();
        let held = list(&conn).unwrap();
        assert_eq!(held, vec![licence("b", "2041-01-01")]);
        assert_eq!(get(&conn, "a").unwrap(), None);
    }

    #[test]
    fn expiry_shows_without_the_platform() {
        let view = licence("a", "2025-12-31").view("2026-01-01");
        assert_eq!(view.status, LicenceStatus::Expired);
        assert!(view.claims[1].masked && !view.claims[0].masked);
        assert_eq!(view.claims[0].value_json, "\"张三\"");
        let mut revoked = licence("a", "2025-12-31");
        revoked.status = LicenceStatus::Revoked;
        assert_eq!(revoked.view("2026-01-01").status, LicenceStatus::Revoked);
    }

    #[test]
    fn a_device_registration_per_suite() {
        let conn = db();
        let reg = DeviceRegistration {
            suite: "sm2-sm3".into(),
            device_id: "dev-1".into(),
            public_key: vec![4; 65],
            certificate: vec![0xd2],
            expires_at_ms: Some(1_800_000_000_000),
            registered_at_ms: 5,
        };
        save_device(&conn, &reg).unwrap();
        assert_eq!(device(&conn, "sm2-sm3").unwrap(), Some(reg));
        assert_eq!(device(&conn, "ed25519").unwrap(), None);
    }
}
