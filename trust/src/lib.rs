//! banshitong-trust: the formats and cryptography of electronic licences
//! (电子证照), shared by the platform server (issuer) and the app core
//! (holder and verifier). Pure and fast: no network, no storage, no clock.
//!
//! - `suite`, `keys`, `cose`: Ed25519 and SM2/SM3 keys, COSE_Sign1.
//! - `licence`, `claims`, `masking`: issuer-signed licences with salted
//!   claim digests for selective disclosure.
//! - `device`: device certificates binding a device key to a user.
//! - `status_list`: signed, compressed revocation bits.
//! - `presentation`, `qr_text`, `base45`: the offline QR payload.
//! - `verify`, `verdict`, `replay`: the verifier.

pub mod base45;
mod cbor;
pub mod claims;
pub mod cose;
mod dates;
pub mod device;
pub mod error;
pub mod keys;
pub mod licence;
pub mod masking;
pub mod presentation;
pub mod qr_text;
pub mod replay;
pub mod status_list;
pub mod suite;
pub mod trusted;
pub mod verdict;
pub mod verify;

pub use claims::{Claim, ClaimValue, DisclosableClaims, SALT_LEN, SaltedClaim};
pub use cose::{Sign1, sign1};
pub use device::{DeviceCertificate, VerifiedDeviceCertificate, issue_device_certificate};
pub use error::{Result, TrustError};
pub use keys::{KeyId, SigningKey, VerifyingKey};
pub use licence::{Licence, LicenceMetadata, StatusRef, issue_licence, issue_licence_to};
pub use masking::{add_masked_twins, mask_id_number, mask_mobile, mask_name};
pub use presentation::{
    DEFAULT_OFFLINE_LIFETIME_MS, DEFAULT_ONLINE_LIFETIME_MS, DeviceSigned, NONCE_LEN,
    OfflinePresentation, build_offline, present_offline, random_nonce,
};
pub use qr_text::{QrText, decode_qr_text, encode_online_token};
pub use replay::{InMemoryReplayCache, ReplayCache};
pub use status_list::{CachedStatusList, StatusList};
pub use suite::{COSE_ALG_SM2_SM3, Suite};
pub use trusted::TrustedIssuers;
pub use verdict::{LicenceSummary, Outcome, Reason, ReasonKind, Verdict};
pub use verify::{DEFAULT_CLOCK_SKEW_MS, VerifyOptions, verify};
