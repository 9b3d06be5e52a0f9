//! The text inside a licence QR code, all in the QR alphanumeric set:
//!   `BST1:` + base45(deflate(CBOR offline presentation))
//!   `BST0:` + the issuer's short online token (A–Z, 0–9)

use std::io::{Read as _, Write as _};

use crate::base45;
use crate::error::{Result, TrustError};

pub const OFFLINE_PREFIX: &str = "BST1:";
pub const ONLINE_PREFIX: &str = "BST0:";

/// Decompressed payloads larger than this are refused: a real one is under
/// 2 KiB, and a QR code holds at most 4296 alphanumeric characters.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// What a licence QR code says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrText {
    /// The CBOR bytes of an offline presentation.
    Offline(Vec<u8>),
    /// A token to check with the issuer.
    Online(String),
}

/// Wraps CBOR bytes of an offline presentation into QR text.
pub fn encode_offline(cbor: &[u8]) -> String {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(cbor).expect("deflate into a Vec");
    let compressed = z.finish().expect("deflate into a Vec");
    format!("{OFFLINE_PREFIX}{}", base45::encode(&compressed))
}

fn is_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 256
        && token
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `BST0:<token>`; the token must be upper-case letters and digits so the
/// QR code stays in alphanumeric mode.
pub fn encode_online_token(token: &str) -> Result<String> {
    if !is_token(token) {
        return Err(TrustError::InvalidToken(token.to_string()));
    }
    Ok(format!("{ONLINE_PREFIX}{token}"))
}

/// Reads QR text back. Surrounding whitespace (scanners add newlines) is
/// ignored; anything else wrong is a typed error.
pub fn decode_qr_text(text: &str) -> Result<QrText> {
    let text = text.trim();
    if let Some(token) = text.strip_prefix(ONLINE_PREFIX) {
        if !is_token(token) {
            return Err(TrustError::InvalidToken(token.to_string()));
        }
        return Ok(QrText::Online(token.to_string()));
    }
    let body = text
        .strip_prefix(OFFLINE_PREFIX)
        .ok_or(TrustError::UnknownPrefix)?;
    let compressed = base45::decode(body)?;
    let mut cbor = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(MAX_PAYLOAD_BYTES as u64 + 1)
        .read_to_end(&mut cbor)
        .map_err(|e| TrustError::Compression(e.to_string()))?;
    if cbor.len() > MAX_PAYLOAD_BYTES {
        return Err(TrustError::PayloadTooLarge {
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    Ok(QrText::Offline(cbor))
}
