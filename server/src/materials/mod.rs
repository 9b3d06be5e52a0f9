//! The material library (我的材料): files a user uploaded, kept once per
//! sha256 so the app can skip sending what the platform already holds.
//!
//! A material is made only by a finished upload (`uploads/finish.rs`); its
//! bytes live in `<data_dir>/materials/<id>`, its row in `materials`.

pub(crate) mod sniff;
pub(crate) mod store;

pub(crate) use sniff::MediaType;

/// `mat_` and 32 lowercase hex digits.
pub(crate) fn new_id() -> String {
    format!("mat_{}", uuid::Uuid::new_v4().simple())
}

/// Whether `sha256` is a SHA-256 in lowercase hex, as the API writes it.
pub(crate) fn is_sha256_hex(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
