//! The offline presentation: what the holder's phone puts in a QR code.
//!
//! CBOR array [licence COSE_Sign1 bytes, device certificate COSE_Sign1
//! bytes, device-signed COSE_Sign1 bytes]; the device-signed payload map:
//!   1 licence digest (bytes: the device suite's hash of the licence bytes)
//!   2 disclosed claims (array of [name, value, salt])
//!   3 issued at (unix ms)   4 nonce (16 random bytes)
//! Deflated and base45-encoded behind `BST1:` (see `qr_text`).

use ciborium::Value;

use crate::cbor::{self, MapBuilder, MapReader};
use crate::claims::{DisclosableClaims, SaltedClaim};
use crate::cose::sign1;
use crate::error::{Result, TrustError};
use crate::keys::SigningKey;
use crate::qr_text;
use crate::suite::Suite;

/// How long an offline presentation is accepted after it was made.
pub const DEFAULT_OFFLINE_LIFETIME_MS: u64 = 30_000;

/// How long the issuer's online token lives.
pub const DEFAULT_ONLINE_LIFETIME_MS: u64 = 60_000;

pub const NONCE_LEN: usize = 16;

/// A fresh random nonce for `present_offline`.
pub fn random_nonce() -> [u8; NONCE_LEN] {
    rand::random()
}

/// The three signed parts of an offline presentation, as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflinePresentation {
    pub licence: Vec<u8>,
    pub device_certificate: Vec<u8>,
    pub device_signed: Vec<u8>,
}

/// The device-signed part, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSigned {
    pub licence_digest: [u8; 32],
    pub disclosed: Vec<SaltedClaim>,
    pub issued_at_ms: u64,
    pub nonce: [u8; NONCE_LEN],
}

/// The licence digest the device signs: its suite's hash of the licence bytes.
pub fn licence_digest(device_suite: Suite, licence: &[u8]) -> [u8; 32] {
    device_suite.digest(&[licence])
}

/// Builds an offline presentation and returns its QR text (`BST1:...`).
/// `disclose` names the claims to reveal (e.g. `name_masked`); an unknown
/// name is an error.
pub fn present_offline(
    licence: &[u8],
    claims: &DisclosableClaims,
    disclose: &[&str],
    device_key: &SigningKey,
    device_certificate: &[u8],
    now_ms: u64,
    nonce: [u8; NONCE_LEN],
) -> Result<String> {
    let presentation = build_offline(
        licence,
        claims,
        disclose,
        device_key,
        device_certificate,
        now_ms,
        nonce,
    )?;
    Ok(qr_text::encode_offline(&presentation.to_cbor()))
}

/// `present_offline` without the QR text step: the structure itself.
pub fn build_offline(
    licence: &[u8],
    claims: &DisclosableClaims,
    disclose: &[&str],
    device_key: &SigningKey,
    device_certificate: &[u8],
    now_ms: u64,
    nonce: [u8; NONCE_LEN],
) -> Result<OfflinePresentation> {
    let disclosed = claims.select(disclose)?;
    let payload = MapBuilder::new()
        .put(1, licence_digest(device_key.suite(), licence).to_vec())
        .put(
            2,
            Value::Array(disclosed.iter().map(SaltedClaim::to_cbor).collect()),
        )
        .put(3, now_ms)
        .put(4, nonce.to_vec())
        .build();
    Ok(OfflinePresentation {
        licence: licence.to_vec(),
        device_certificate: device_certificate.to_vec(),
        device_signed: sign1(device_key, cbor::to_vec(&payload)),
    })
}

impl OfflinePresentation {
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor::to_vec(&Value::Array(vec![
            Value::Bytes(self.licence.clone()),
            Value::Bytes(self.device_certificate.clone()),
            Value::Bytes(self.device_signed.clone()),
        ]))
    }

    pub fn from_cbor(bytes: &[u8]) -> Result<OfflinePresentation> {
        let bad = || {
            TrustError::format(
                "offline presentation",
                "expected an array of three byte strings",
            )
        };
        let Value::Array(items) = cbor::from_slice(bytes)? else {
            return Err(bad());
        };
        let Ok(
            [
                Value::Bytes(licence),
                Value::Bytes(device_certificate),
                Value::Bytes(device_signed),
            ],
        ) = <[Value; 3]>::try_from(items)
        else {
            return Err(bad());
        };
        Ok(OfflinePresentation {
            licence,
            device_certificate,
            device_signed,
        })
    }
}

impl DeviceSigned {
    pub(crate) fn from_payload(payload: &[u8]) -> Result<DeviceSigned> {
        let map = MapReader::new("device-signed payload", cbor::from_slice(payload)?)?;
        let disclosed = map
            .array(2)?
            .iter()
            .map(SaltedClaim::from_cbor)
            .collect::<Result<Vec<_>>>()?;
        Ok(DeviceSigned {
            licence_digest: cbor::fixed_bytes("licence digest", map.value(1)?)?,
            disclosed,
            issued_at_ms: map.uint(3)?,
            nonce: cbor::fixed_bytes("nonce", map.value(4)?)?,
        })
    }
}
