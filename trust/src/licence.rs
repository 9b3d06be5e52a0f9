//! The issuer-signed licence: a COSE_Sign1 over a CBOR map with integer
//! keys. Claim values are not in it, only their salted digests, sorted so
//! their order tells nothing; names are hidden too (a verifier learns only
//! what the holder discloses).
//!
//! Payload map:
//!   1 licence id (text)          2 licence type (text, e.g. 居民身份证)
//!   3 issuer name (text)         4 issued at (unix seconds)
//!   5 valid from (YYYY-MM-DD, optional)
//!   6 valid until (YYYY-MM-DD, optional: absent for 长期 / no end)
//!   7 status list id (text)      8 status list index (uint)
//!   9 claim digests (array of 32-byte byte strings, sorted)
//!  10 holder: the user id device certificates name as subject (optional)

use ciborium::Value;

use crate::cbor::{self, MapBuilder, MapReader};
use crate::claims::{Claim, DisclosableClaims, SALT_LEN, SaltedClaim};
use crate::cose::{Sign1, sign1};
use crate::dates;
use crate::error::{Result, TrustError};
use crate::keys::{KeyId, SigningKey};
use crate::masking::add_masked_twins;
use crate::suite::Suite;
use crate::trusted::TrustedIssuers;

/// Common licence types (the text stored in the licence).
pub mod types {
    pub const RESIDENT_ID_CARD: &str = "居民身份证";
    pub const DRIVING_LICENCE: &str = "机动车驾驶证";
    pub const SOCIAL_SECURITY_CARD: &str = "社会保障卡";
    pub const HOUSEHOLD_REGISTER: &str = "户口簿";
    pub const BUSINESS_LICENCE: &str = "营业执照";
}

/// Where a licence's revocation bit lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRef {
    pub list_id: String,
    pub index: u64,
}

/// Everything about a licence except its claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceMetadata {
    pub licence_id: String,
    pub licence_type: String,
    pub issuer_name: String,
    pub issued_at_s: u64,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub status: StatusRef,
}

/// A licence whose issuer signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub metadata: LicenceMetadata,
    pub suite: Suite,
    pub issuer_kid: KeyId,
    pub claim_digests: Vec<[u8; 32]>,
    /// The user the licence was issued to, when bound (`issue_licence_to`):
    /// only a device certified for this user may present it.
    pub holder: Option<String>,
}

/// Signs a licence. Masked twins are added for name, id_number and mobile
/// (see `masking`), every claim gets a fresh random salt, and the holder
/// receives the values with their salts.
pub fn issue_licence(
    issuer: &SigningKey,
    metadata: &LicenceMetadata,
    claims: &[Claim],
) -> Result<(Vec<u8>, DisclosableClaims)> {
    issue(issuer, metadata, None, claims)
}

/// `issue_licence` bound to a holder: the user id that the holder's device
/// certificates carry as subject. A verifier then refuses the licence
/// presented from a device certified for anyone else, so licence bytes and
/// salts copied to another account are worthless.
pub fn issue_licence_to(
    issuer: &SigningKey,
    metadata: &LicenceMetadata,
    holder: &str,
    claims: &[Claim],
) -> Result<(Vec<u8>, DisclosableClaims)> {
    issue(issuer, metadata, Some(holder), claims)
}

fn issue(
    issuer: &SigningKey,
    metadata: &LicenceMetadata,
    holder: Option<&str>,
    claims: &[Claim],
) -> Result<(Vec<u8>, DisclosableClaims)> {
    for date in [&metadata.valid_from, &metadata.valid_until]
        .into_iter()
        .flatten()
    {
        dates::parse_date(date)?;
    }
    let mut claims = claims.to_vec();
    add_masked_twins(&mut claims);
    let mut salted: Vec<SaltedClaim> = Vec::with_capacity(claims.len());
    for claim in claims {
        if salted.iter().any(|c| c.name == claim.name) {
            return Err(TrustError::format(
                "licence claims",
                format!("{:?} twice", claim.name),
            ));
        }
        salted.push(SaltedClaim {
            name: claim.name,
            value: claim.value,
            salt: rand::random::<[u8; SALT_LEN]>(),
        });
    }
    let mut digests: Vec<[u8; 32]> = salted.iter().map(|c| c.digest(issuer.suite())).collect();
    digests.sort_unstable();
    let payload = MapBuilder::new()
        .put(1, metadata.licence_id.as_str())
        .put(2, metadata.licence_type.as_str())
        .put(3, metadata.issuer_name.as_str())
        .put(4, metadata.issued_at_s)
        .put_opt(5, metadata.valid_from.as_deref())
        .put_opt(6, metadata.valid_until.as_deref())
        .put(7, metadata.status.list_id.as_str())
        .put(8, metadata.status.index)
        .put(
            9,
            Value::Array(digests.iter().map(|d| Value::Bytes(d.to_vec())).collect()),
        )
        .put_opt(10, holder)
        .build();
    let cose = sign1(issuer, cbor::to_vec(&payload));
    Ok((cose, DisclosableClaims { claims: salted }))
}

impl Licence {
    /// Parses licence bytes and checks the issuer signature against the
    /// trusted keys (unknown kid or wrong key: an error).
    pub fn verify(bytes: &[u8], issuers: &TrustedIssuers) -> Result<Licence> {
        let sign1 = Sign1::parse(bytes)?;
        let key = issuers
            .get(&sign1.kid)
            .ok_or_else(|| TrustError::UnknownIssuer(sign1.kid.to_hex()))?;
        sign1.verify(key)?;
        Licence::from_payload(&sign1)
    }

    /// Parses licence bytes without checking the signature: for the holder
    /// showing its own synced licences. Never use it to trust one.
    pub fn parse_unverified(bytes: &[u8]) -> Result<Licence> {
        Licence::from_payload(&Sign1::parse(bytes)?)
    }

    fn from_payload(sign1: &Sign1) -> Result<Licence> {
        let map = MapReader::new("licence", cbor::from_slice(&sign1.payload)?)?;
        let valid_from = map.opt_text(5)?;
        let valid_until = map.opt_text(6)?;
        for date in [&valid_from, &valid_until].into_iter().flatten() {
            dates::parse_date(date)?;
        }
        let claim_digests = map
            .array(9)?
            .iter()
            .map(|d| cbor::fixed_bytes::<32>("claim digest", d))
            .collect::<Result<Vec<_>>>()?;
        Ok(Licence {
            metadata: LicenceMetadata {
                licence_id: map.text(1)?,
                licence_type: map.text(2)?,
                issuer_name: map.text(3)?,
                issued_at_s: map.uint(4)?,
                valid_from,
                valid_until,
                status: StatusRef {
                    list_id: map.text(7)?,
                    index: map.uint(8)?,
                },
            },
            suite: sign1.suite,
            issuer_kid: sign1.kid,
            claim_digests,
            holder: map.opt_text(10)?,
        })
    }

    /// Whether a disclosed claim is one the issuer signed.
    pub fn vouches_for(&self, claim: &SaltedClaim) -> bool {
        let digest = claim.digest(self.suite);
        self.claim_digests.contains(&digest)
    }

    /// Whether `valid_until` is over at `now_ms`.
    pub fn has_ended_by(&self, now_ms: u64) -> bool {
        match &self.metadata.valid_until {
            Some(d) => dates::end_of_day_ms(d)
                .is_ok_and(|end| i64::try_from(now_ms).unwrap_or(i64::MAX) >= end),
            None => false,
        }
    }

    /// Whether `now_ms` lies within the validity dates (UTC+8 days).
    pub fn is_within_validity(&self, now_ms: u64) -> bool {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let started = match &self.metadata.valid_from {
            Some(d) => dates::start_of_day_ms(d).is_ok_and(|start| now >= start),
            None => true,
        };
        let not_ended = match &self.metadata.valid_until {
            Some(d) => dates::end_of_day_ms(d).is_ok_and(|end| now < end),
            None => true,
        };
        started && not_ended
    }
}
