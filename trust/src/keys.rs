//! Signing and verifying keys of both suites, each with a key id (kid):
//! the first 8 bytes of the suite's hash of the public key bytes, short
//! enough for every COSE header and stable across restarts.

use std::fmt;

use ed25519_dalek::Verifier as _;
use sm2::dsa::signature::Signer;
use zeroize::Zeroizing;

use crate::error::{Result, TrustError};
use crate::suite::{SM2_DEFAULT_USER_ID, Suite};

/// A key id: a short hash of a public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    pub const LEN: usize = 8;

    pub fn of(suite: Suite, public_key: &[u8]) -> KeyId {
        let digest = suite.digest(&[public_key]);
        let mut kid = [0u8; Self::LEN];
        kid.copy_from_slice(&digest[..Self::LEN]);
        KeyId(kid)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<KeyId> {
        let kid: [u8; Self::LEN] = bytes
            .try_into()
            .map_err(|_| TrustError::format("key id", format!("{} bytes, not 8", bytes.len())))?;
        Ok(KeyId(kid))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Lower-case hex, the form used in JSON and logs.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Result<KeyId> {
        let bad = || TrustError::format("key id", format!("{text:?} is not 16 hex digits"));
        if text.len() != Self::LEN * 2 || !text.is_ascii() {
            return Err(bad());
        }
        let mut kid = [0u8; Self::LEN];
        for (i, byte) in kid.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(KeyId(kid))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

#[derive(Clone)]
enum SigningInner {
    Ed25519(Box<ed25519_dalek::SigningKey>),
    Sm2(Box<sm2::dsa::SigningKey>),
}

/// A private key of either suite. Debug output never shows the secret.
#[derive(Clone)]
pub struct SigningKey {
    inner: SigningInner,
    public: VerifyingKey,
}

impl SigningKey {
    /// A fresh key from the operating system's random source.
    pub fn generate(suite: Suite) -> SigningKey {
        loop {
            let secret = Zeroizing::new(rand::random::<[u8; 32]>());
            // Only SM2 can refuse (a scalar of zero or above the group
            // order, about 2^-32 likely); drawing again is the standard way.
            if let Ok(key) = SigningKey::from_bytes(suite, secret.as_ref()) {
                return key;
            }
        }
    }

    /// A key from its 32 secret bytes (as `secret_bytes` exported them).
    pub fn from_bytes(suite: Suite, secret: &[u8]) -> Result<SigningKey> {
        let inner = match suite {
            Suite::Ed25519 => {
                let bytes: &[u8; 32] = secret
                    .try_into()
                    .map_err(|_| TrustError::InvalidKey { suite: "ed25519" })?;
                SigningInner::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(bytes)))
            }
            Suite::Sm2Sm3 => SigningInner::Sm2(Box::new(
                sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_USER_ID, secret)
                    .map_err(|_| TrustError::InvalidKey { suite: "sm2-sm3" })?,
            )),
        };
        let public = match &inner {
            SigningInner::Ed25519(k) => VerifyingKey::ed25519(k.verifying_key()),
            SigningInner::Sm2(k) => VerifyingKey::sm2(k.verifying_key().clone()),
        };
        Ok(SigningKey { inner, public })
    }

    /// The 32 secret bytes, for the key store; wiped when dropped.
    pub fn secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        match &self.inner {
            SigningInner::Ed25519(k) => Zeroizing::new(k.to_bytes().to_vec()),
            SigningInner::Sm2(k) => Zeroizing::new(k.to_bytes().to_vec()),
        }
    }

    pub fn suite(&self) -> Suite {
        self.public.suite()
    }

    pub fn kid(&self) -> KeyId {
        self.public.kid()
    }

    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// Signs `message`: 64 bytes, Ed25519 R||S or SM2 r||s.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.inner {
            SigningInner::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            SigningInner::Sm2(k) => {
                let signature: sm2::dsa::Signature = Signer::sign(k.as_ref(), message);
                signature.to_bytes().to_vec()
            }
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, {})", self.suite(), self.kid())
    }
}

#[derive(Clone)]
enum VerifyingInner {
    Ed25519(ed25519_dalek::VerifyingKey),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

/// A public key of either suite, with its key id.
#[derive(Clone)]
pub struct VerifyingKey {
    inner: VerifyingInner,
    kid: KeyId,
}

impl VerifyingKey {
    fn ed25519(key: ed25519_dalek::VerifyingKey) -> VerifyingKey {
        let kid = KeyId::of(Suite::Ed25519, key.as_bytes());
        VerifyingKey {
            inner: VerifyingInner::Ed25519(key),
            kid,
        }
    }

    fn sm2(key: sm2::dsa::VerifyingKey) -> VerifyingKey {
        let kid = KeyId::of(Suite::Sm2Sm3, &key.to_sec1_bytes());
        VerifyingKey {
            inner: VerifyingInner::Sm2(Box::new(key)),
            kid,
        }
    }

    /// A key from its public bytes: 32 bytes for Ed25519, a SEC1 point
    /// (65 bytes uncompressed as exported) for SM2.
    pub fn from_bytes(suite: Suite, public: &[u8]) -> Result<VerifyingKey> {
        match suite {
            Suite::Ed25519 => {
                let bytes: &[u8; 32] = public
                    .try_into()
                    .map_err(|_| TrustError::InvalidKey { suite: "ed25519" })?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map_err(|_| TrustError::InvalidKey { suite: "ed25519" })?;
                Ok(VerifyingKey::ed25519(key))
            }
            Suite::Sm2Sm3 => {
                let key = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_USER_ID, public)
                    .map_err(|_| TrustError::InvalidKey { suite: "sm2-sm3" })?;
                Ok(VerifyingKey::sm2(key))
            }
        }
    }

    /// The public bytes `from_bytes` takes back.
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.inner {
            VerifyingInner::Ed25519(k) => k.as_bytes().to_vec(),
            VerifyingInner::Sm2(k) => k.to_sec1_bytes().to_vec(),
        }
    }

    pub fn suite(&self) -> Suite {
        match self.inner {
            VerifyingInner::Ed25519(_) => Suite::Ed25519,
            VerifyingInner::Sm2(_) => Suite::Sm2Sm3,
        }
    }

    pub fn kid(&self) -> KeyId {
        self.kid
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        match &self.inner {
            VerifyingInner::Ed25519(k) => {
                let signature = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| TrustError::BadSignature)?;
                // Strict: refuses the malleable and small-order forms.
                k.verify_strict(message, &signature)
                    .map_err(|_| TrustError::BadSignature)
            }
            VerifyingInner::Sm2(k) => {
                let signature = sm2::dsa::Signature::from_slice(signature)
                    .map_err(|_| TrustError::BadSignature)?;
                k.verify(message, &signature)
                    .map_err(|_| TrustError::BadSignature)
            }
        }
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.suite() == other.suite() && self.to_bytes() == other.to_bytes()
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({}, {})", self.suite(), self.kid)
    }
}
