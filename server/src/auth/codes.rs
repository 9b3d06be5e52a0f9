//! Authorization codes (RFC 6749 §4.1) bound to a PKCE S256 challenge
//! (RFC 7636): single use, 60 seconds.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::scope::Scope;
use super::secret;
use super::sessions;
use crate::clock::ms;

pub(crate) const CODE_TTL: Duration = Duration::from_secs(60);

pub(crate) struct NewCode<'a> {
    pub(crate) user_id: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) code_challenge: &'a str,
    pub(crate) scope: Scope,
}

/// Stores a new code and returns it; only its hash is kept.
pub(crate) fn create(
    conn: &Connection,
    new: &NewCode<'_>,
    now_ms: i64,
) -> rusqlite::Result<String> {
    conn.prepare_cached("DELETE FROM authorization_codes WHERE expires_at_ms <= ?1")?
        .execute(params![now_ms])?;
    let code = secret::new_token();
    conn.prepare_cached(
        "INSERT INTO authorization_codes \
             (code_hash, user_id, client_id, redirect_uri, code_challenge, scope, expires_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        secret::hash(&code),
        new.user_id,
        new.client_id,
        new.redirect_uri,
        new.code_challenge,
        new.scope.to_string(),
        now_ms.saturating_add(ms(CODE_TTL))
    ])?;
    Ok(code)
}

/// A code that passed every check, now consumed.
pub(crate) struct Redeemed {
    pub(crate) user_id: String,
    pub(crate) scope: Scope,
    code_hash: Vec<u8>,
}

/// Why a code was refused; all are `invalid_grant`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CodeRefused {
    /// Unknown or expired.
    Unknown,
    /// Already redeemed (or tried): any sign-in it produced is revoked.
    Reused,
    OtherClient,
    RedirectUriMismatch,
    VerifierMismatch,
}

/// Redeems `code`. Any attempt on a live code consumes it, even one that
/// fails: a stolen code can't be tried against several verifiers.
pub(crate) fn redeem(
    conn: &Connection,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    code_verifier: &str,
    now_ms: i64,
) -> rusqlite::Result<Result<Redeemed, CodeRefused>> {
    let code_hash = secret::hash(code);
    let row = conn
        .prepare_cached(
            "SELECT user_id, client_id, redirect_uri, code_challenge, scope, expires_at_ms, \
                    used_at_ms, session_id \
             FROM authorization_codes WHERE code_hash = ?1",
        )?
        .query_row(params![code_hash], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, Option<i64>>(6)?,
                row.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((user_id, code_client, code_redirect, challenge, scope, expires_at, used_at, session)) =
        row
    else {
        return Ok(Err(CodeRefused::Unknown));
    };
    if used_at.is_some() {
        // RFC 6749 §4.1.2: tokens issued from a replayed code are revoked.
        if let Some(session_id) = session {
            sessions::revoke(conn, &session_id, now_ms)?;
            tracing::warn!(%user_id, %session_id, "authorization code replayed; sign-in revoked");
        }
        return Ok(Err(CodeRefused::Reused));
    }
    if now_ms >= expires_at {
        return Ok(Err(CodeRefused::Unknown));
    }
    conn.prepare_cached("UPDATE authorization_codes SET used_at_ms = ?2 WHERE code_hash = ?1")?
        .execute(params![code_hash, now_ms])?;
    if code_client != client_id {
        return Ok(Err(CodeRefused::OtherClient));
    }
    if code_redirect != redirect_uri {
        return Ok(Err(CodeRefused::RedirectUriMismatch));
    }
    let computed = secret::s256_challenge(code_verifier);
    if !secret::same_secret(computed.as_bytes(), challenge.as_bytes()) {
        return Ok(Err(CodeRefused::VerifierMismatch));
    }
    Ok(Ok(Redeemed {
        user_id,
        scope: Scope::parse(Some(&scope)).unwrap_or(Scope::PROFILE),
        code_hash,
    }))
}

/// Records which sign-in a redeemed code started, so a replay can revoke it.
pub(crate) fn link_session(
    conn: &Connection,
    redeemed: &Redeemed,
    session_id: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE authorization_codes SET session_id = ?2 WHERE code_hash = ?1")?
        .execute(params![redeemed.code_hash, session_id])?;
    Ok(())
}

/// RFC 7636 §4.1: 43–128 characters of `A-Z a-z 0-9 - . _ ~`. An S256
/// challenge (base64url of 32 bytes) is exactly 43 of them.
pub(crate) fn is_pkce_string(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::accounts::find_or_register;
    use crate::db::open_in_memory;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const REDIRECT: &str = "banshitong://oauth/callback";

    fn new_code(conn: &Connection) -> String {
        let user = find_or_register(conn, "13800000000", 0).unwrap();
        let challenge = secret::s256_challenge(VERIFIER);
        create(
            conn,
            &NewCode {
                user_id: &user.id,
                client_id: "banshitong-app",
                redirect_uri: REDIRECT,
                code_challenge: &challenge,
                scope: Scope::PROFILE,
            },
            0,
        )
        .unwrap()
    }

    fn try_redeem(
        conn: &Connection,
        code: &str,
        verifier: &str,
        now: i64,
    ) -> Result<Redeemed, CodeRefused> {
        redeem(conn, code, "banshitong-app", REDIRECT, verifier, now).unwrap()
    }

    #[test]
    fn single_use() {
        let conn = open_in_memory();
        let code = new_code(&conn);
        assert!(try_redeem(&conn, &code, VERIFIER, 1).is_ok());
        assert_eq!(
            try_redeem(&conn, &code, VERIFIER, 2).err(),
            Some(CodeRefused::Reused)
        );
    }

    #[test]
    fn a_wrong_verifier_consumes_the_code() {
        let conn = open_in_memory();
        let code = new_code(&conn);
        let wrong = "x".repeat(43);
        assert_eq!(
            try_redeem(&conn, &code, &wrong, 1).err(),
            Some(CodeRefused::VerifierMismatch)
        );
        assert_eq!(
            try_redeem(&conn, &code, VERIFIER, 2).err(),
            Some(CodeRefused::Reused)
        );
    }

    #[test]
    fn lives_sixty_seconds() {
        let conn = open_in_memory();
        let code = new_code(&conn);
        assert_eq!(
            try_redeem(&conn, &code, VERIFIER, 60_000).err(),
            Some(CodeRefused::Unknown)
        );
        let code = new_code(&conn);
        assert!(try_redeem(&conn, &code, VERIFIER, 59_999).is_ok());
    }

    #[test]
    fn redirect_uri_must_match() {
        let conn = open_in_memory();
        let code = new_code(&conn);
        let refused = redeem(
            &conn,
            &code,
            "banshitong-app",
            "banshitong://other",
            VERIFIER,
            1,
        )
        .unwrap()
        .err();
        assert_eq!(refused, Some(CodeRefused::RedirectUriMismatch));
    }

    #[test]
    fn pkce_strings() {
        assert!(is_pkce_string(VERIFIER));
        assert!(is_pkce_string(&"a~.-_".repeat(20)));
        assert!(!is_pkce_string(&"a".repeat(42)));
        assert!(!is_pkce_string(&"a".repeat(129)));
        assert!(!is_pkce_string(&format!("{}+", "a".repeat(42))));
    }
}
