//! COSE_Sign1 (RFC 9052) with a protected header {alg, kid}, built and
//! checked through `coset`. Messages are tagged (CBOR tag 18) so any COSE
//! library can tell what they are.

use coset::{
    CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate,
    TaggedCborSerializable, iana,
};

use crate::error::{Result, TrustError};
use crate::keys::{KeyId, SigningKey, VerifyingKey};
use crate::suite::Suite;

/// Signs `payload` with `key`: a tagged COSE_Sign1, no external AAD.
pub fn sign1(key: &SigningKey, payload: Vec<u8>) -> Vec<u8> {
    let alg = match key.suite() {
        Suite::Ed25519 => RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA),
        Suite::Sm2Sm3 => RegisteredLabelWithPrivate::PrivateUse(key.suite().cose_alg()),
    };
    let mut protected = HeaderBuilder::new()
        .key_id(key.kid().as_bytes().to_vec())
        .build();
    protected.alg = Some(alg);
    CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(b"", |tbs| key.sign(tbs))
        .build()
        .to_tagged_vec()
        .expect("COSE_Sign1 into a Vec")
}

/// A parsed, not yet verified COSE_Sign1.
#[derive(Debug, Clone)]
pub struct Sign1 {
    pub suite: Suite,
    pub kid: KeyId,
    pub payload: Vec<u8>,
    message: CoseSign1,
}

impl Sign1 {
    /// Parses tagged or untagged COSE_Sign1 bytes; refuses an unknown
    /// algorithm, a missing kid or a detached payload.
    pub fn parse(bytes: &[u8]) -> Result<Sign1> {
        let message = CoseSign1::from_tagged_slice(bytes)
            .or_else(|_| CoseSign1::from_slice(bytes))
            .map_err(|e| TrustError::Cose(e.to_string()))?;
        let header = &message.protected.header;
        let alg = match &header.alg {
            Some(RegisteredLabelWithPrivate::Assigned(a)) => *a as i64,
            Some(RegisteredLabelWithPrivate::PrivateUse(a)) => *a,
            Some(RegisteredLabelWithPrivate::Text(_)) | None => {
                return Err(TrustError::Cose(
                    "no integer alg in the protected header".into(),
                ));
            }
        };
        let suite = Suite::from_cose_alg(alg)?;
        let kid = KeyId::from_slice(&header.key_id)?;
        let payload = message
            .payload
            .clone()
            .ok_or_else(|| TrustError::Cose("detached payload".into()))?;
        Ok(Sign1 {
            suite,
            kid,
            payload,
            message,
        })
    }

    /// Checks the signature with `key`, whose suite must be the header's.
    pub fn verify(&self, key: &VerifyingKey) -> Result<()> {
        if key.suite() != self.suite {
            return Err(TrustError::SuiteMismatch {
                expected: key.suite().as_str(),
            });
        }
        self.message
            .verify_signature(b"", |signature, tbs| key.verify(tbs, signature))
    }
}
