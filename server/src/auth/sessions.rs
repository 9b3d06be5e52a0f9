//! Sign-ins and their tokens.
//!
//! A session is one sign-in: every grant except `refresh_token` starts one.
//! Its refresh tokens form a family: each refresh marks the presented token
//! used and issues a new pair. A used token presented again means two parties
//! hold the family, so the whole session is revoked (RFC 9700 §4.14.2).

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::scope::Scope;
use super::secret;
use crate::clock::ms;

pub(crate) const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// What a successful grant hands out.
#[derive(Debug)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_in_secs: u64,
    pub(crate) scope: Scope,
    pub(crate) user_id: String,
    pub(crate) session_id: String,
}

/// Starts a sign-in for `user_id` and issues its first token pair.
pub(crate) fn start(
    conn: &Connection,
    user_id: &str,
    client_id: &str,
    scope: Scope,
    now_ms: i64,
    access_ttl: Duration,
) -> rusqlite::Result<Issued> {
    purge_expired(conn, now_ms)?;
    let session_id = secret::new_id("s_");
    conn.prepare_cached(
        "INSERT INTO sessions (id, user_id, client_id, scope, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        session_id,
        user_id,
        client_id,
        scope.to_string(),
        now_ms
    ])?;
    issue(conn, &session_id, user_id, scope, now_ms, access_ttl)
}

fn issue(
    conn: &Connection,
    session_id: &str,
    user_id: &str,
    scope: Scope,
    now_ms: i64,
    access_ttl: Duration,
) -> rusqlite::Result<Issued> {
    let access_token = secret::new_token();
    let refresh_token = secret::new_token();
    conn.prepare_cached(
        "INSERT INTO access_tokens (token_hash, session_id, scope, expires_at_ms) \
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        secret::hash(&access_token),
        session_id,
        scope.to_string(),
        now_ms.saturating_add(ms(access_ttl))
    ])?;
    conn.prepare_cached(
        "INSERT INTO refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![
        secret::hash(&refresh_token),
        session_id,
        now_ms.saturating_add(ms(REFRESH_TOKEN_TTL))
    ])?;
    Ok(Issued {
        access_token,
        refresh_token,
        expires_in_secs: access_ttl.as_secs(),
        scope,
        user_id: user_id.to_owned(),
        session_id: session_id.to_owned(),
    })
}

/// Why a refresh token was refused; each is `invalid_grant` (or
/// `invalid_scope`) at the token endpoint.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RefreshRefused {
    Unknown,
    Expired,
    /// The sign-in was revoked (logout, reuse, password change).
    Revoked,
    /// The token had been used already: the sign-in is now revoked.
    Reused,
    /// Issued to another client.
    OtherClient,
    /// Asked for more scope than the sign-in has.
    ScopeExceeded,
}

/// Rotates `refresh_token`: marks it used and issues a new pair in the same
/// session. Run inside a transaction so two concurrent refreshes with one
/// token can't both succeed.
pub(crate) fn refresh(
    conn: &Connection,
    refresh_token: &str,
    client_id: &str,
    requested: Option<Scope>,
    now_ms: i64,
    access_ttl: Duration,
) -> rusqlite::Result<Result<Issued, RefreshRefused>> {
    let hash = secret::hash(refresh_token);
    let row = conn
        .prepare_cached(
            "SELECT r.session_id, r.expires_at_ms, r.used_at_ms, s.user_id, s.client_id, \
                    s.scope, s.revoked_at_ms \
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id \
             WHERE r.token_hash = ?1",
        )?
        .query_row(params![hash], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, Option<i64>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    let Some((session_id, expires_at, used_at, user_id, session_client, session_scope, revoked)) =
        row
    else {
        return Ok(Err(RefreshRefused::Unknown));
    };
    if revoked.is_some() {
        return Ok(Err(RefreshRefused::Revoked));
    }
    if used_at.is_some() {
        revoke(conn, &session_id, now_ms)?;
        tracing::warn!(%user_id, %session_id, "refresh token reused; sign-in revoked");
        return Ok(Err(RefreshRefused::Reused));
    }
    if now_ms >= expires_at {
        return Ok(Err(RefreshRefused::Expired));
    }
    if session_client != client_id {
        return Ok(Err(RefreshRefused::OtherClient));
    }
    // The stored scope was written by `Scope::to_string`, so it parses.
    let granted = Scope::parse(Some(&session_scope)).unwrap_or(Scope::PROFILE);
    let scope = requested.unwrap_or(granted);
    if !scope.within(granted) {
        return Ok(Err(RefreshRefused::ScopeExceeded));
    }
    conn.prepare_cached("UPDATE refresh_tokens SET used_at_ms = ?2 WHERE token_hash = ?1")?
        .execute(params![hash, now_ms])?;
    issue(conn, &session_id, &user_id, scope, now_ms, access_ttl).map(Ok)
}

/// Ends a sign-in: its refresh tokens and access tokens stop working.
pub(crate) fn revoke(conn: &Connection, session_id: &str, now_ms: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE sessions SET revoked_at_ms = ?2 WHERE id = ?1 AND revoked_at_ms IS NULL",
    )?
    .execute(params![session_id, now_ms])?;
    conn.prepare_cached("DELETE FROM access_tokens WHERE session_id = ?1")?
        .execute(params![session_id])?;
    Ok(())
}

/// Ends every sign-in of `user_id` except `keep`.
pub(crate) fn revoke_others(
    conn: &Connection,
    user_id: &str,
    keep: &str,
    now_ms: i64,
) -> rusqlite::Result<()> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM sessions WHERE user_id = ?1 AND id != ?2 AND revoked_at_ms IS NULL",
        )?
        .query_map(params![user_id, keep], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        revoke(conn, &id, now_ms)?;
    }
    Ok(())
}

/// Who an access token speaks for.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    pub(crate) user_id: String,
    pub(crate) session_id: String,
    pub(crate) scope: Scope,
}

/// The live sign-in behind `access_token`, if the token is known, unexpired
/// and its session not revoked.
pub(crate) fn authenticate(
    conn: &Connection,
    access_token: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<Bearer>> {
    conn.prepare_cached(
        "SELECT s.user_id, s.id, a.scope FROM access_tokens a JOIN sessions s ON s.id = a.session_id \
         WHERE a.token_hash = ?1 AND a.expires_at_ms > ?2 AND s.revoked_at_ms IS NULL",
    )?
    .query_row(params![secret::hash(access_token), now_ms], |row| {
        let scope: String = row.get(2)?;
        Ok(Bearer {
            user_id: row.get(0)?,
            session_id: row.get(1)?,
            scope: Scope::parse(Some(&scope)).unwrap_or(Scope::PROFILE),
        })
    })
    .optional()
}

/// Makes every access token (of `user_id`, or of everyone) expire now, so
/// clients have to refresh. Returns how many were live.
pub(crate) fn expire_access_tokens(
    conn: &Connection,
    user_id: Option<&str>,
    now_ms: i64,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE access_tokens SET expires_at_ms = ?2 \
         WHERE expires_at_ms > ?2 AND (?1 IS NULL OR session_id IN \
             (SELECT id FROM sessions WHERE user_id = ?1))",
    )?
    .execute(params![user_id, now_ms])
}

/// The user a sign-in acts for, and sets it.
pub(crate) fn acting_as(conn: &Connection, session_id: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT acting_as FROM sessions WHERE id = ?1")?
        .query_row(params![session_id], |row| row.get(0))
        .optional()
        .map(Option::flatten)
}

pub(crate) fn set_acting_as(
    conn: &Connection,
    session_id: &str,
    uscc: Option<&str>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sessions SET acting_as = ?2 WHERE id = ?1")?
        .execute(params![session_id, uscc])?;
    Ok(())
}

/// Drops rows no request can use any more, so the tables don't grow with
/// every sign-in. Refresh tokens are kept until they expire even when used,
/// which is what makes reuse detectable.
fn purge_expired(conn: &Connection, now_ms: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM access_tokens WHERE expires_at_ms <= ?1")?
        .execute(params![now_ms])?;
    conn.prepare_cached("DELETE FROM refresh_tokens WHERE expires_at_ms <= ?1")?
        .execute(params![now_ms])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::accounts::find_or_register;
    use crate::db::open_in_memory;

    const TTL: Duration = Duration::from_secs(600);
    const CLIENT: &str = "banshitong-app";

    fn signed_in(conn: &Connection) -> Issued {
        let user = find_or_register(conn, "13800000000", 0).unwrap();
        start(conn, &user.id, CLIENT, Scope::PROFILE, 0, TTL).unwrap()
    }

    #[test]
    fn access_token_works_until_it_expires() {
        let conn = open_in_memory();
        let issued = signed_in(&conn);
        let bearer = authenticate(&conn, &issued.access_token, 599_999)
            .unwrap()
            .unwrap();
        assert_eq!(bearer.user_id, issued.user_id);
        assert!(
            authenticate(&conn, &issued.access_token, 600_000)
                .unwrap()
                .is_none()
        );
        assert!(authenticate(&conn, "nope", 0).unwrap().is_none());
        // The refresh token is not an access token.
        assert!(
            authenticate(&conn, &issued.refresh_token, 0)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn rotation_and_reuse() {
        let conn = open_in_memory();
        let first = signed_in(&conn);
        let second = refresh(&conn, &first.refresh_token, CLIENT, None, 1, TTL)
            .unwrap()
            .unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(second.session_id, first.session_id);
        let third = refresh(&conn, &second.refresh_token, CLIENT, None, 2, TTL)
            .unwrap()
            .unwrap();
        // Replaying the first token revokes the family, the newest included.
        assert_eq!(
            refresh(&conn, &first.refresh_token, CLIENT, None, 3, TTL)
                .unwrap()
                .unwrap_err(),
            RefreshRefused::Reused
        );
        assert_eq!(
            refresh(&conn, &third.refresh_token, CLIENT, None, 4, TTL)
                .unwrap()
                .unwrap_err(),
            RefreshRefused::Revoked
        );
        assert!(
            authenticate(&conn, &third.access_token, 5)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn refresh_tokens_expire_after_thirty_days() {
        let conn = open_in_memory();
        let issued = signed_in(&conn);
        let thirty_days = ms(REFRESH_TOKEN_TTL);
        assert_eq!(
            refresh(&conn, &issued.refresh_token, CLIENT, None, thirty_days, TTL)
                .unwrap()
                .unwrap_err(),
            RefreshRefused::Expired
        );
    }

    #[test]
    fn refresh_can_narrow_but_not_widen_scope() {
        let conn = open_in_memory();
        let issued = signed_in(&conn);
        let full = Scope { full_profile: true };
        assert_eq!(
            refresh(&conn, &issued.refresh_token, CLIENT, Some(full), 1, TTL)
                .unwrap()
                .unwrap_err(),
            RefreshRefused::ScopeExceeded
        );
        assert_eq!(
            refresh(&conn, &issued.refresh_token, "other", None, 1, TTL)
                .unwrap()
                .unwrap_err(),
            RefreshRefused::OtherClient
        );
    }
}
