//! The device certificate: the issuer binds a device public key to a user.
//! Licences carry no holder key, so one licence works on every device the
//! user registers; the certificate says which key may present it.
//!
//! Payload map:
//!   1 device id (text)   2 subject: user id (text)
//!   3 device key suite (COSE alg)   4 device public key (bytes)
//!   5 issued at (unix s)   6 expires at (unix s)

use crate::cbor::{self, MapBuilder, MapReader};
use crate::cose::{Sign1, sign1};
use crate::error::{Result, TrustError};
use crate::keys::{KeyId, SigningKey, VerifyingKey};
use crate::suite::Suite;
use crate::trusted::TrustedIssuers;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCertificate {
    pub device_id: String,
    pub subject: String,
    pub device_key: VerifyingKey,
    pub issued_at_s: u64,
    pub expires_at_s: u64,
}

/// A device certificate whose issuer signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDeviceCertificate {
    pub certificate: DeviceCertificate,
    pub issuer_kid: KeyId,
}

/// Signs a device certificate with the issuer key.
pub fn issue_device_certificate(issuer: &SigningKey, certificate: &DeviceCertificate) -> Vec<u8> {
    let payload = MapBuilder::new()
        .put(1, certificate.device_id.as_str())
        .put(2, certificate.subject.as_str())
        .put(3, certificate.device_key.suite().cose_alg())
        .put(4, certificate.device_key.to_bytes())
        .put(5, certificate.issued_at_s)
        .put(6, certificate.expires_at_s)
        .build();
    sign1(issuer, cbor::to_vec(&payload))
}

impl DeviceCertificate {
    /// Parses certificate bytes and checks the issuer signature. Expiry is
    /// the caller's check (`is_expired_at`), so a verdict can name it.
    pub fn verify(bytes: &[u8], issuers: &TrustedIssuers) -> Result<VerifiedDeviceCertificate> {
        let sign1 = Sign1::parse(bytes)?;
        let key = issuers
            .get(&sign1.kid)
            .ok_or_else(|| TrustError::UnknownIssuer(sign1.kid.to_hex()))?;
        sign1.verify(key)?;
        Ok(VerifiedDeviceCertificate {
            certificate: DeviceCertificate::from_payload(&sign1.payload)?,
            issuer_kid: sign1.kid,
        })
    }

    /// Parses certificate bytes without checking the signature (the holder
    /// reading its own certificate, e.g. for its expiry).
    pub fn parse_unverified(bytes: &[u8]) -> Result<DeviceCertificate> {
        DeviceCertificate::from_payload(&Sign1::parse(bytes)?.payload)
    }

    fn from_payload(payload: &[u8]) -> Result<DeviceCertificate> {
        let map = MapReader::new("device certificate", cbor::from_slice(payload)?)?;
        let suite = Suite::from_cose_alg(map.int(3)?)?;
        Ok(DeviceCertificate {
            device_id: map.text(1)?,
            subject: map.text(2)?,
            device_key: VerifyingKey::from_bytes(suite, &map.bytes(4)?)?,
            issued_at_s: map.uint(5)?,
            expires_at_s: map.uint(6)?,
        })
    }

    pub fn is_expired_at(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_at_s.saturating_mul(1000)
    }
}
