//! Claims and their salted digests (selective disclosure in the style of
//! the ISO 18013-5 MSO and SD-JWT): the licence carries only
//! digest(salt || name || CBOR(value)); the holder keeps values and salts
//! and reveals the ones it chooses.

use ciborium::Value;

use crate::cbor;
use crate::error::{Result, TrustError};
use crate::suite::Suite;

/// Salt length: 128 bits, so an undisclosed value cannot be guessed back
/// from its digest even when the value space is small (sex, birth year).
pub const SALT_LEN: usize = 16;

/// A claim value: the plain JSON-like kinds licences need.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ClaimValue {
    Bool(bool),
    Integer(i64),
    Text(String),
}

impl ClaimValue {
    pub(crate) fn to_cbor(&self) -> Value {
        match self {
            ClaimValue::Bool(b) => Value::Bool(*b),
            ClaimValue::Integer(i) => Value::Integer((*i).into()),
            ClaimValue::Text(t) => Value::Text(t.clone()),
        }
    }

    pub(crate) fn from_cbor(value: &Value) -> Result<ClaimValue> {
        match value {
            Value::Bool(b) => Ok(ClaimValue::Bool(*b)),
            Value::Integer(i) => i64::try_from(*i)
                .map(ClaimValue::Integer)
                .map_err(|_| TrustError::format("claim value", "integer out of range")),
            Value::Text(t) => Ok(ClaimValue::Text(t.clone())),
            _ => Err(TrustError::format(
                "claim value",
                "not a bool, integer or text",
            )),
        }
    }
}

impl From<&str> for ClaimValue {
    fn from(text: &str) -> Self {
        ClaimValue::Text(text.to_string())
    }
}

impl From<String> for ClaimValue {
    fn from(text: String) -> Self {
        ClaimValue::Text(text)
    }
}

impl From<i64> for ClaimValue {
    fn from(value: i64) -> Self {
        ClaimValue::Integer(value)
    }
}

impl From<bool> for ClaimValue {
    fn from(value: bool) -> Self {
        ClaimValue::Bool(value)
    }
}

/// A named claim as the issuer states it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    pub name: String,
    pub value: ClaimValue,
}

impl Claim {
    pub fn new(name: impl Into<String>, value: impl Into<ClaimValue>) -> Claim {
        Claim {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A claim with the salt its digest was made with: what the holder keeps
/// and what an offline presentation reveals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaltedClaim {
    pub name: String,
    pub value: ClaimValue,
    pub salt: [u8; SALT_LEN],
}

impl SaltedClaim {
    /// digest(salt || name || CBOR(value)) with the licence suite's hash.
    /// The name is CBOR-encoded too so its length is bound in.
    pub fn digest(&self, suite: Suite) -> [u8; 32] {
        let name = cbor::to_vec(&Value::Text(self.name.clone()));
        let value = cbor::to_vec(&self.value.to_cbor());
        suite.digest(&[&self.salt, &name, &value])
    }

    pub(crate) fn to_cbor(&self) -> Value {
        Value::Array(vec![
            Value::Text(self.name.clone()),
            self.value.to_cbor(),
            Value::Bytes(self.salt.to_vec()),
        ])
    }

    pub(crate) fn from_cbor(value: &Value) -> Result<SaltedClaim> {
        let bad = || TrustError::format("disclosed claim", "expected [name, value, salt]");
        let Value::Array(items) = value else {
            return Err(bad());
        };
        let [Value::Text(name), value, salt] = items.as_slice() else {
            return Err(bad());
        };
        Ok(SaltedClaim {
            name: name.clone(),
            value: ClaimValue::from_cbor(value)?,
            salt: cbor::fixed_bytes("claim salt", salt)?,
        })
    }
}

/// Every claim of one licence with its salt: the holder's secret half of a
/// licence, kept beside the licence bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisclosableClaims {
    pub claims: Vec<SaltedClaim>,
}

impl DisclosableClaims {
    pub fn get(&self, name: &str) -> Option<&SaltedClaim> {
        self.claims.iter().find(|c| c.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.claims.iter().map(|c| c.name.as_str())
    }

    /// The claims named in `disclose`, in that order, each once; an
    /// unknown name is an error rather than a silently smaller QR.
    pub fn select(&self, disclose: &[&str]) -> Result<Vec<SaltedClaim>> {
        let mut picked: Vec<SaltedClaim> = Vec::with_capacity(disclose.len());
        for name in disclose {
            if picked.iter().any(|c| c.name == *name) {
                continue;
            }
            let claim = self
                .get(name)
                .ok_or_else(|| TrustError::UnknownClaim(name.to_string()))?;
            picked.push(claim.clone());
        }
        Ok(picked)
    }
}
