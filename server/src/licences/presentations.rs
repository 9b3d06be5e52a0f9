//! Online presentation tokens: what `BST0:<token>` in a QR code names. A
//! verifier's check reads the row; the token itself says nothing.

use rand::Rng;
use rusqlite::{Connection, OptionalExtension, params};

/// QR alphanumeric mode holds digits and upper-case letters at 5.5 bits a
/// character, so the token uses only those.
const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// 20 characters of 36: about 103 bits, unguessable within a minute.
const TOKEN_CHARS: usize = 20;

/// How long an expired token is kept before it is deleted, so a verifier
/// checking a little late hears "expired" rather than "unknown".
pub(crate) const KEPT_AFTER_EXPIRY_MS: i64 = 24 * 3600 * 1000;

pub(crate) fn new_token() -> String {
    let mut rng = rand::rng();
    (0..TOKEN_CHARS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Whether `text` could be a token (checked before it reaches SQL, so a
/// verifier's garbage gets a clear "unknown token").
pub(crate) fn is_token(text: &str) -> bool {
    text.len() == TOKEN_CHARS && text.bytes().all(|b| ALPHABET.contains(&b))
}

/// A token's row.
#[derive(Debug, Clone)]
pub(crate) struct Presentation {
    pub(crate) licence_id: String,
    /// The claim names the holder chose to show.
    pub(crate) disclose: Vec<String>,
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: i64,
}

/// Stores a new token for `licence_id`, first deleting tokens expired long
/// ago.
pub(crate) fn create(
    conn: &Connection,
    user_id: &str,
    licence_id: &str,
    disclose: &[String],
    now_ms: i64,
    expires_at_ms: i64,
) -> rusqlite::Result<String> {
    conn.prepare_cached("DELETE FROM presentation_tokens WHERE expires_at_ms < ?1")?
        .execute([now_ms - KEPT_AFTER_EXPIRY_MS])?;
    let token = new_token();
    let disclose = serde_json::to_string(disclose)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?;
    conn.prepare_cached(
        "INSERT INTO presentation_tokens \
         (token, user_id, licence_id, disclose, created_at_ms, expires_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        token,
        user_id,
        licence_id,
        disclose,
        now_ms,
        expires_at_ms
    ])?;
    Ok(token)
}

/// The presentation `token` names, if any.
pub(crate) fn find(conn: &Connection, token: &str) -> rusqlite::Result<Option<Presentation>> {
    conn.prepare_cached(
        "SELECT licence_id, disclose, created_at_ms, expires_at_ms FROM presentation_tokens \
         WHERE token = ?1",
    )?
    .query_row([token], |row| {
        let disclose: String = row.get(1)?;
        let disclose = serde_json::from_str(&disclose).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        })?;
        Ok(Presentation {
            licence_id: row.get(0)?,
            disclose,
            created_at_ms: row.get(2)?,
            expires_at_ms: row.get(3)?,
        })
    })
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_qr_alphanumeric_and_differ() {
        let first = new_token();
        assert!(is_token(&first), "{first}");
        assert_ne!(first, new_token());
        assert!(!is_token("abc"));
        assert!(!is_token(&first.to_lowercase()));
    }
}
