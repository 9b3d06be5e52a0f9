//! What the app sees of the user's licences and their presentations.

use serde::{Deserialize, Serialize};

/// Whether a licence can be shown as current.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    /// The issuer revoked it (as of the last sync).
    Revoked,
    /// Past its `valid_until` date: known on the device, even offline.
    Expired,
}

impl LicenceStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "valid",
            LicenceStatus::Revoked => "revoked",
            LicenceStatus::Expired => "expired",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "valid" => Some(LicenceStatus::Valid),
            "revoked" => Some(LicenceStatus::Revoked),
            "expired" => Some(LicenceStatus::Expired),
            _ => None,
        }
    }
}

/// One claim of a licence as the holder reads it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceClaim {
    pub name: String,
    /// The value as JSON text (strings quoted), exactly as signed.
    pub value_json: String,
    /// Whether this is the masked twin of another claim (`name_masked`).
    pub masked: bool,
}

/// A licence held on this device.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub id: String,
    /// e.g. 居民身份证, 机动车驾驶证.
    pub licence_type: String,
    pub title: String,
    pub issuer: String,
    /// The signature suite the issuer used: "ed25519" or "sm2-sm3".
    pub suite: String,
    /// `YYYY-MM-DD`.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// Revocation as of the last sync, expiry as of today.
    pub status: LicenceStatus,
    pub claims: Vec<LicenceClaim>,
    pub synced_at_ms: i64,
}

/// Which claims a presentation discloses.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// Every claim in full (masked twins left out).
    Full,
    /// The masked twin where a claim has one, others in full.
    Masked,
    /// Exactly these claims, by name (a masked twin by its own name).
    Only { names: Vec<String> },
}

/// How a presentation reaches the verifier.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresentationMode {
    /// Made and signed on the device; needs no network (`BST1:`).
    Offline,
    /// A short token from the platform (`BST0:`): a small QR, needs the network.
    Online,
}

/// One QR to show, and until when it is good.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    pub qr_text: String,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
}
