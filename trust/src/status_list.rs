//! The signed status list (in the style of the IETF Token Status List):
//! one bit per licence, 1 = revoked, bit `i` is bit `i % 8` (least
//! significant first) of byte `i / 8`, zlib-compressed. Revocation here is
//! final: a revoked bit is never cleared.
//!
//! Payload map:
//!   1 list id (text)   2 issued at (unix s)   3 ttl: max-age (s)
//!   4 number of entries (uint)   5 bits (zlib, bytes)

use std::io::{Read as _, Write as _};

use crate::cbor::{self, MapBuilder, MapReader};
use crate::cose::{Sign1, sign1};
use crate::error::{Result, TrustError};
use crate::keys::{KeyId, SigningKey};
use crate::trusted::TrustedIssuers;

/// Lists bigger than this are refused when parsing (a decompression bomb
/// guard); 8 million licences per list is far beyond one issuer's shard.
pub const MAX_STATUS_LIST_ENTRIES: u64 = 1 << 23;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    pub id: String,
    pub issued_at_s: u64,
    pub ttl_s: u64,
    len: u64,
    bits: Vec<u8>,
}

/// A status list a verifier fetched (signature checked) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedStatusList {
    pub list: StatusList,
    pub fetched_at_ms: u64,
}

impl CachedStatusList {
    /// Stale once its max-age has passed since it was fetched.
    pub fn is_stale_at(&self, now_ms: u64) -> bool {
        now_ms >= self.stale_from_ms()
    }

    pub fn stale_from_ms(&self) -> u64 {
        self.fetched_at_ms
            .saturating_add(self.list.ttl_s.saturating_mul(1000))
    }
}

impl StatusList {
    /// A list of `len` entries, none revoked.
    pub fn new(id: impl Into<String>, len: u64, ttl_s: u64) -> StatusList {
        StatusList {
            id: id.into(),
            issued_at_s: 0,
            ttl_s,
            len,
            bits: vec![0; len.div_ceil(8) as usize],
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn revoke(&mut self, index: u64) -> Result<()> {
        self.check(index)?;
        self.bits[(index / 8) as usize] |= 1 << (index % 8);
        Ok(())
    }

    pub fn is_revoked(&self, index: u64) -> Result<bool> {
        self.check(index)?;
        Ok(self.bits[(index / 8) as usize] & (1 << (index % 8)) != 0)
    }

    fn check(&self, index: u64) -> Result<()> {
        if index >= self.len {
            return Err(TrustError::StatusIndexOutOfRange {
                index,
                len: self.len,
            });
        }
        Ok(())
    }

    /// Signs the list as issued at `issued_at_s`.
    pub fn sign(&mut self, issuer: &SigningKey, issued_at_s: u64) -> Vec<u8> {
        self.issued_at_s = issued_at_s;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&self.bits).expect("zlib into a Vec");
        let compressed = z.finish().expect("zlib into a Vec");
        let payload = MapBuilder::new()
            .put(1, self.id.as_str())
            .put(2, self.issued_at_s)
            .put(3, self.ttl_s)
            .put(4, self.len)
            .put(5, compressed)
            .build();
        sign1(issuer, cbor::to_vec(&payload))
    }

    /// Parses a signed list and checks the issuer signature.
    pub fn verify(bytes: &[u8], issuers: &TrustedIssuers) -> Result<(StatusList, KeyId)> {
        let sign1 = Sign1::parse(bytes)?;
        let key = issuers
            .get(&sign1.kid)
            .ok_or_else(|| TrustError::UnknownIssuer(sign1.kid.to_hex()))?;
        sign1.verify(key)?;
        let map = MapReader::new("status list", cbor::from_slice(&sign1.payload)?)?;
        let len = map.uint(4)?;
        if len > MAX_STATUS_LIST_ENTRIES {
            return Err(TrustError::format("status list", format!("{len} entries")));
        }
        let want = len.div_ceil(8) as usize;
        let compressed = map.bytes(5)?;
        let mut bits = Vec::with_capacity(want);
        flate2::read::ZlibDecoder::new(compressed.as_slice())
            .take(want as u64 + 1)
            .read_to_end(&mut bits)
            .map_err(|e| TrustError::Compression(e.to_string()))?;
        if bits.len() != want {
            return Err(TrustError::format(
                "status list",
                format!("{} bytes of bits for {len} entries", bits.len()),
            ));
        }
        let list = StatusList {
            id: map.text(1)?,
            issued_at_s: map.uint(2)?,
            ttl_s: map.uint(3)?,
            len,
            bits,
        };
        Ok((list, sign1.kid))
    }
}
