//! Accounts, keyed by mobile number, with an opaque id (`u_` + 16 hex).

use rusqlite::{Connection, OptionalExtension, params};

use super::secret;

/// How much the platform knows about who holds an account. A guest (not
/// signed in) has no account at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Proved control of a phone number.
    Registered,
    /// Also passed real-name verification (实名认证).
    Verified,
}

impl Tier {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Tier::Registered => "registered",
            Tier::Verified => "verified",
        }
    }

    fn from_db(value: &str) -> Tier {
        // The column's CHECK constraint admits only these two.
        if value == "verified" {
            Tier::Verified
        } else {
            Tier::Registered
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) phone: String,
    pub(crate) tier: Tier,
    pub(crate) password_hash: Option<String>,
    pub(crate) real_name: Option<String>,
    pub(crate) id_number: Option<String>,
}

const COLUMNS: &str = "id, phone, tier, password_hash, real_name, id_number";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: row.get(0)?,
        phone: row.get(1)?,
        tier: Tier::from_db(&row.get::<_, String>(2)?),
        password_hash: row.get(3)?,
        real_name: row.get(4)?,
        id_number: row.get(5)?,
    })
}

pub(crate) fn by_phone(conn: &Connection, phone: &str) -> rusqlite::Result<Option<Account>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE phone = ?1"))?
        .query_row(params![phone], from_row)
        .optional()
}

pub(crate) fn by_id(conn: &Connection, user_id: &str) -> rusqlite::Result<Option<Account>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row(params![user_id], from_row)
        .optional()
}

/// The account of `phone`, registering it (tier `registered`) if new: a
/// number that proved itself is enough for an account, as in the real app.
pub(crate) fn find_or_register(
    conn: &Connection,
    phone: &str,
    now_ms: i64,
) -> rusqlite::Result<Account> {
    if let Some(account) = by_phone(conn, phone)? {
        return Ok(account);
    }
    let id = secret::new_id("u_");
    conn.prepare_cached(
        "INSERT INTO users (id, phone, tier, created_at_ms) VALUES (?1, ?2, 'registered', ?3)",
    )?
    .execute(params![id, phone, now_ms])?;
    tracing::info!(user_id = %id, "registered a new account");
    Ok(Account {
        id,
        phone: phone.to_owned(),
        tier: Tier::Registered,
        password_hash: None,
        real_name: None,
        id_number: None,
    })
}

/// A company the user may act for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Company {
    pub(crate) uscc: String,
    pub(crate) name: String,
}

pub(crate) fn companies(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<Company>> {
    let mut statement = conn.prepare_cached(
        "SELECT uscc, name FROM companies WHERE user_id = ?1 ORDER BY added_at_ms, uscc",
    )?;
    let rows = statement.query_map(params![user_id], |row| {
        Ok(Company {
            uscc: row.get(0)?,
            name: row.get(1)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::open_in_memory;

    #[test]
    fn registers_once_per_number() {
        let conn = open_in_memory();
        let first = find_or_register(&conn, "13800000000", 1).unwrap();
        let again = find_or_register(&conn, "13800000000", 2).unwrap();
        assert_eq!(first.id, again.id);
        assert!(first.id.starts_with("u_"));
        assert_eq!(again.tier, Tier::Registered);
        let other = find_or_register(&conn, "13900000000", 3).unwrap();
        assert_ne!(first.id, other.id);
        assert_eq!(
            by_id(&conn, &other.id).unwrap().unwrap().phone,
            "13900000000"
        );
        assert!(by_phone(&conn, "13700000000").unwrap().is_none());
    }
}
