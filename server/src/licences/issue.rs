//! Which licences a holder has in the reference data, and issuing them the
//! first time the platform sees the holder.

use rusqlite::{Connection, params};

use crate::clock::china_date;

/// A licence every real-name-verified person holds here.
struct PersonLicence {
    licence_type: &'static str,
    issuer: &'static str,
    /// Years it stays valid after issue; `None` for no end.
    valid_years: Option<u32>,
}

const PERSON_LICENCES: [PersonLicence; 3] = [
    PersonLicence {
        licence_type: "居民身份证",
        issuer: "云南省公安厅",
        valid_years: Some(20),
    },
    PersonLicence {
        licence_type: "户口簿",
        issuer: "云南省公安厅",
        valid_years: None,
    },
    PersonLicence {
        licence_type: "社会保障卡",
        issuer: "云南省人力资源和社会保障厅",
        valid_years: Some(10),
    },
];

pub(crate) const BUSINESS_LICENCE: &str = "营业执照";
const BUSINESS_LICENCE_ISSUER: &str = "云南省市场监督管理局";

/// `lic_` and 24 lowercase hex digits: an id that says nothing about the
/// holder (an ID number's hash would be easy to reverse).
fn new_id() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("lic_{}", &hex[..24])
}

/// `YYYY-MM-DD`: the day `epoch_ms` falls on in China.
pub(crate) fn china_day(epoch_ms: i64) -> String {
    let (year, month, day) = china_date(epoch_ms);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD`, `years` after `epoch_ms` in China.
fn date_after(epoch_ms: i64, years: u32) -> String {
    let (year, month, day) = china_date(epoch_ms);
    // 29 February becomes 28 February in a year that lacks it.
    let day = if month == 2 && day == 29 { 28 } else { day };
    format!("{:04}-{month:02}-{day:02}", year + years)
}

/// Issues the licences the user's verified identity and companies come
/// with, if not issued yet. Cheap when nothing is new: one insert that
/// conflicts per licence.
pub(crate) fn ensure_issued(conn: &Connection, user_id: &str, now_ms: i64) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO licences (id, user_id, licence_type, holder, title, issuer, valid_until, \
         issued_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (user_id, licence_type, holder) WHERE application_no IS NULL DO NOTHING",
    )?;

    let person: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT id_number, coalesce(verified_at_ms, created_at_ms) FROM users \
             WHERE id = ?1 AND tier = 'verified' AND id_number IS NOT NULL",
        )?
        .query_map([user_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .next()
        .transpose()?;
    if let Some((id_number, verified_at_ms)) = person {
        for licence in &PERSON_LICENCES {
            insert.execute(params![
                new_id(),
                user_id,
                licence.licence_type,
                id_number,
                licence.licence_type,
                licence.issuer,
                licence
                    .valid_years
                    .map(|years| date_after(verified_at_ms, years)),
                now_ms
            ])?;
        }
    }

    let companies: Vec<(String, String)> = conn
        .prepare_cached("SELECT uscc, name FROM companies WHERE user_id = ?1")?
        .query_map([user_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (uscc, name) in companies {
        insert.execute(params![
            new_id(),
            user_id,
            BUSINESS_LICENCE,
            uscc,
            format!("{BUSINESS_LICENCE}（{name}）"),
            BUSINESS_LICENCE_ISSUER,
            None::<String>,
            now_ms
        ])?;
    }
    Ok(())
}

/// Issues a new licence of `licence_type` as the result of application
/// `application_no`, by `issuer` (the deciding department), to the user:
/// held by their company for a business licence, else by their verified
/// identity. A licence of that type the user already holds stays as it is.
/// `None` when the user has no such holder (not verified, no company); the
/// caller signs it (`sign::ensure_signed`) in the same transaction.
pub(crate) fn issue_for_application(
    conn: &Connection,
    user_id: &str,
    licence_type: &str,
    application_no: &str,
    issuer: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<String>> {
    let holder: Option<String> = if licence_type == BUSINESS_LICENCE {
        conn.prepare_cached("SELECT uscc FROM companies WHERE user_id = ?1 ORDER BY rowid")?
            .query_map([user_id], |row| row.get(0))?
            .next()
            .transpose()?
    } else {
        conn.prepare_cached(
            "SELECT id_number FROM users \
             WHERE id = ?1 AND tier = 'verified' AND id_number IS NOT NULL",
        )?
        .query_map([user_id], |row| row.get(0))?
        .next()
        .transpose()?
    };
    let Some(holder) = holder else {
        return Ok(None);
    };
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO licences (id, user_id, licence_type, holder, title, issuer, valid_until, \
         issued_at_ms, application_no) VALUES (?1, ?2, ?3, ?4, ?3, ?5, NULL, ?6, ?7)",
    )?
    .execute(params![
        id,
        user_id,
        licence_type,
        holder,
        issuer,
        now_ms,
        application_no
    ])?;
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_dates_in_china() {
        // 2000-02-29T16:00:00Z is 1 March 2000 in Beijing.
        assert_eq!(date_after(951_840_000_000, 20), "2020-03-01");
        assert_eq!(date_after(951_840_000_000 - 1, 1), "2001-02-28");
    }
}
