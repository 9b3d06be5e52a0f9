//! Random secrets and how they are kept.
//!
//! Access tokens, refresh tokens and authorization codes are 256 random bits
//! in base64url. The server stores only their SHA-256, so a copy of
//! `platform.db` can't be replayed as anyone's session. SMS codes are hashed
//! too, for the same reason, though six digits are cheap to brute-force.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// 256 bits from the thread's CSPRNG, base64url without padding (43 chars).
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of a token or code.
pub(crate) fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// `prefix` and 16 random lower-case hex digits, e.g. `u_3f9a0c1e5b7d2468`.
pub(crate) fn new_id(prefix: &str) -> String {
    let value: u64 = rand::rng().random();
    format!("{prefix}{value:016x}")
}

/// Six random decimal digits, leading zeros kept.
pub(crate) fn new_sms_code() -> String {
    let value: u32 = rand::rng().random_range(0..1_000_000);
    format!("{value:06}")
}

/// RFC 7636 S256: base64url(SHA-256(verifier)) without padding.
pub(crate) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Constant-time equality for secrets of equal length, so comparing a
/// presented value doesn't leak how many leading bytes matched.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_base64url() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(token, new_token());
    }

    #[test]
    fn ids_and_codes_have_their_shapes() {
        let id = new_id("u_");
        assert_eq!(id.len(), 18);
        assert!(id[2..].bytes().all(|b| b.is_ascii_hexdigit()));
        let code = new_sms_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn rfc_7636_appendix_b_vector() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn secret_comparison() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"ab"));
    }
}
