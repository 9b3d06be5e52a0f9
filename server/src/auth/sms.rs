//! One-time SMS codes: six random digits per number, at most one sent per
//! 60 s, dead after 5 minutes, after 5 wrong tries, or once used.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::secret;
use crate::clock::{ms, secs_until};

pub(crate) const CODE_TTL: Duration = Duration::from_secs(5 * 60);
pub(crate) const RESEND_INTERVAL: Duration = Duration::from_secs(60);
pub(crate) const MAX_WRONG_TRIES: u32 = 5;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    /// A new code, replacing any earlier one; deliver it to the phone.
    Code(String),
    /// The last code went out less than `RESEND_INTERVAL` ago.
    TooSoon { retry_after_secs: u64 },
}

pub(crate) fn send(conn: &Connection, phone: &str, now_ms: i64) -> rusqlite::Result<Sent> {
    let last_sent: Option<i64> = conn
        .prepare_cached("SELECT sent_at_ms FROM sms_codes WHERE phone = ?1")?
        .query_row(params![phone], |row| row.get(0))
        .optional()?;
    if let Some(sent_at) = last_sent {
        let next_allowed = sent_at.saturating_add(ms(RESEND_INTERVAL));
        if now_ms < next_allowed {
            return Ok(Sent::TooSoon {
                retry_after_secs: secs_until(now_ms, next_allowed),
            });
        }
    }
    let code = secret::new_sms_code();
    conn.prepare_cached(
        "INSERT INTO sms_codes (phone, code_hash, sent_at_ms, expires_at_ms, failed_attempts) \
         VALUES (?1, ?2, ?3, ?4, 0) \
         ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, \
             sent_at_ms = excluded.sent_at_ms, expires_at_ms = excluded.expires_at_ms, \
             failed_attempts = 0",
    )?
    .execute(params![
        phone,
        secret::hash(&code),
        now_ms,
        now_ms.saturating_add(ms(CODE_TTL))
    ])?;
    Ok(Sent::Code(code))
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    /// The code is right; call [`consume`] once the sign-in succeeds.
    Right,
    /// Wrong; `now_dead` when that was the last try the code allowed.
    Wrong { now_dead: bool },
    /// No code was sent, or it expired, was used or was tried too often.
    NoLiveCode,
}

/// Compares `code` with the live code of `phone`, counting a wrong try.
pub(crate) fn check(
    conn: &Connection,
    phone: &str,
    code: &str,
    now_ms: i64,
) -> rusqlite::Result<Checked> {
    let row: Option<(Option<Vec<u8>>, i64, u32)> = conn
        .prepare_cached(
            "SELECT code_hash, expires_at_ms, failed_attempts FROM sms_codes WHERE phone = ?1",
        )?
        .query_row(params![phone], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((Some(stored), expires_at, failed)) = row else {
        return Ok(Checked::NoLiveCode);
    };
    if now_ms >= expires_at || failed >= MAX_WRONG_TRIES {
        return Ok(Checked::NoLiveCode);
    }
    if secret::same_secret(&secret::hash(code), &stored) {
        return Ok(Checked::Right);
    }
    let failed = failed + 1;
    let now_dead = failed >= MAX_WRONG_TRIES;
    conn.prepare_cached(
        "UPDATE sms_codes SET failed_attempts = ?2, \
             code_hash = CASE WHEN ?3 THEN NULL ELSE code_hash END \
         WHERE phone = ?1",
    )?
    .execute(params![phone, failed, now_dead])?;
    Ok(Checked::Wrong { now_dead })
}

/// Kills the code of `phone` after a successful sign-in: codes are single-use.
/// The send time stays, so the resend interval still applies.
pub(crate) fn consume(conn: &Connection, phone: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sms_codes SET code_hash = NULL WHERE phone = ?1")?
        .execute(params![phone])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::open_in_memory;

    const PHONE: &str = "13800000000";

    fn sent_code(conn: &Connection, now: i64) -> String {
        match send(conn, PHONE, now).unwrap() {
            Sent::Code(code) => code,
            Sent::TooSoon { .. } => panic!("send was refused"),
        }
    }

    fn wrong(code: &str) -> String {
        let first = if code.starts_with('0') { '1' } else { '0' };
        format!("{first}{}", &code[1..])
    }

    #[test]
    fn one_send_per_minute() {
        let conn = open_in_memory();
        sent_code(&conn, 0);
        assert_eq!(
            send(&conn, PHONE, 1).unwrap(),
            Sent::TooSoon {
                retry_after_secs: 60
            }
        );
        assert_eq!(
            send(&conn, PHONE, 59_001).unwrap(),
            Sent::TooSoon {
                retry_after_secs: 1
            }
        );
        // Another number isn't affected.
        assert!(matches!(
            send(&conn, "13900000000", 1).unwrap(),
            Sent::Code(_)
        ));
        sent_code(&conn, 60_000);
    }

    #[test]
    fn right_code_until_used() {
        let conn = open_in_memory();
        let code = sent_code(&conn, 0);
        assert_eq!(check(&conn, PHONE, &code, 1).unwrap(), Checked::Right);
        consume(&conn, PHONE).unwrap();
        assert_eq!(check(&conn, PHONE, &code, 2).unwrap(), Checked::NoLiveCode);
        // Used, but the resend interval still counts from the send.
        assert!(matches!(
            send(&conn, PHONE, 3).unwrap(),
            Sent::TooSoon { .. }
        ));
    }

    #[test]
    fn expires_after_five_minutes() {
        let conn = open_in_memory();
        let code = sent_code(&conn, 0);
        assert_eq!(check(&conn, PHONE, &code, 299_999).unwrap(), Checked::Right);
        assert_eq!(
            check(&conn, PHONE, &code, 300_000).unwrap(),
            Checked::NoLiveCode
        );
    }

    #[test]
    fn five_wrong_tries_kill_the_code() {
        let conn = open_in_memory();
        let code = sent_code(&conn, 0);
        for attempt in 1..=MAX_WRONG_TRIES {
            assert_eq!(
                check(&conn, PHONE, &wrong(&code), 1).unwrap(),
                Checked::Wrong {
                    now_dead: attempt == MAX_WRONG_TRIES
                }
            );
        }
        assert_eq!(check(&conn, PHONE, &code, 2).unwrap(), Checked::NoLiveCode);
        // A new code (after the interval) starts with fresh tries.
        let fresh = sent_code(&conn, 60_000);
        assert_eq!(
            check(&conn, PHONE, &wrong(&fresh), 60_001).unwrap(),
            Checked::Wrong { now_dead: false }
        );
        assert_eq!(check(&conn, PHONE, &fresh, 60_002).unwrap(), Checked::Right);
    }

    #[test]
    fn a_number_without_a_code() {
        let conn = open_in_memory();
        assert_eq!(
            check(&conn, PHONE, "123456", 0).unwrap(),
            Checked::NoLiveCode
        );
    }
}
