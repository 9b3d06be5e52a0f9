//! The two signature suites: EdDSA over Ed25519 (COSE alg -8) and the
//! national suite SM2 with SM3 (GB/T 32918, GM/T 0009).

use std::fmt;
use std::str::FromStr;

use sha2::Digest as _;

use crate::error::{Result, TrustError};

/// COSE registers no SM2 algorithm, so SM2-with-SM3 takes a value from the
/// range the IANA COSE Algorithms registry reserves for private use
/// ("less than -65536"). Both ends of a deployment must agree on it; see
/// docs/decisions/0004-licence-formats.md.
pub const COSE_ALG_SM2_SM3: i64 = -65_537;

/// COSE alg -8 (EdDSA), used here with Ed25519 only.
pub const COSE_ALG_EDDSA: i64 = -8;

/// The SM2 distinguishing identifier (user id) GM/T 0009 names as default.
pub const SM2_DEFAULT_USER_ID: &str = "1234567812345678";

/// A signature suite: the signature algorithm and the hash that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Suite {
    #[serde(rename = "ed25519")]
    Ed25519,
    #[serde(rename = "sm2-sm3")]
    Sm2Sm3,
}

impl Suite {
    pub const ALL: [Suite; 2] = [Suite::Ed25519, Suite::Sm2Sm3];

    /// The COSE `alg` header value.
    pub fn cose_alg(self) -> i64 {
        match self {
            Suite::Ed25519 => COSE_ALG_EDDSA,
            Suite::Sm2Sm3 => COSE_ALG_SM2_SM3,
        }
    }

    pub fn from_cose_alg(alg: i64) -> Result<Suite> {
        match alg {
            COSE_ALG_EDDSA => Ok(Suite::Ed25519),
            COSE_ALG_SM2_SM3 => Ok(Suite::Sm2Sm3),
            other => Err(TrustError::UnsupportedAlgorithm(other)),
        }
    }

    /// The stable text name used in JSON and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Ed25519 => "ed25519",
            Suite::Sm2Sm3 => "sm2-sm3",
        }
    }

    /// The suite's hash: SHA-256 for Ed25519, SM3 for SM2. Both are 32 bytes.
    pub fn digest(self, parts: &[&[u8]]) -> [u8; 32] {
        match self {
            Suite::Ed25519 => {
                let mut h = sha2::Sha256::new();
                for p in parts {
                    h.update(p);
                }
                h.finalize().into()
            }
            Suite::Sm2Sm3 => {
                let mut h = sm3::Sm3::new();
                for p in parts {
                    h.update(p);
                }
                h.finalize().into()
            }
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Suite {
    type Err = TrustError;

    fn from_str(s: &str) -> Result<Suite> {
        match s {
            "ed25519" => Ok(Suite::Ed25519),
            "sm2-sm3" => Ok(Suite::Sm2Sm3),
            other => Err(TrustError::UnknownSuite(other.to_string())),
        }
    }
}
