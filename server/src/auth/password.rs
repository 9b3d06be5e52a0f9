//! Password hashes: Argon2id with the crate's defaults (19 MiB, 2 passes),
//! stored as PHC strings so the parameters travel with each hash.
//!
//! Hashing is deliberately slow, so callers run it on the blocking pool and
//! never while holding the database connection.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// Passwords shorter than this are refused when set.
pub(crate) const MIN_LEN: usize = 8;
/// Longer ones too: hashing megabytes on request is a denial of service.
pub(crate) const MAX_LEN: usize = 128;

/// The PHC string of `password` with a fresh random salt.
pub(crate) fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches `stored`. Without a stored hash (no such
/// account, or no password set) it still spends the same work on a dummy
/// hash and answers false, so timing doesn't tell the two cases apart.
pub(crate) fn verify(password: &str, stored: Option<&str>) -> bool {
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (dummy_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        tracing::error!("a stored password hash does not parse");
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        // A random password nobody knows; hashing it can't fail with valid
        // salt, but an empty string still makes `verify` answer false.
        hash(&super::secret::new_token()).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse", Some(&stored)));
        assert!(!verify("correct horsf", Some(&stored)));
        assert!(!verify("correct horse", None));
        assert!(!verify("anything", Some("not a phc string")));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(hash("same").unwrap(), hash("same").unwrap());
    }
}
