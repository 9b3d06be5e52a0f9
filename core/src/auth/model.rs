//! Identity types: who is signed in, at which tier, acting for whom.

use serde::{Deserialize, Serialize};

/// How strongly the platform knows who the user is. A guest is not signed in.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Proved a phone number.
    Registered,
    /// Passed real-name verification (实名认证).
    Verified,
}

/// A company (legal person) identified by its unified social credit code.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub uscc: String,
    pub name: String,
}

/// The signed-in person as the platform describes them. Personal fields are
/// masked (张*三, 138****0000) unless the session was granted `profile:full`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user_id: String,
    pub tier: Tier,
    pub phone: String,
    pub name: Option<String>,
    pub id_number: Option<String>,
    #[serde(default)]
    pub companies: Vec<Company>,
    pub acting_as: Option<Company>,
}

/// What the UI shows about the session. Subscribers get the current value
/// first, then every change.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
// Not boxed: the state crosses the FFI as a plain value, and there is one of it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionState {
    SignedOut,
    SignedIn {
        profile: Profile,
        tier: Tier,
        acting_as: Option<Company>,
    },
    /// The platform ended the session (refresh refused, sign-in revoked).
    /// The user's local data is kept and reopens when they sign in again.
    Expired {
        reason: String,
    },
}

impl SessionState {
    pub(crate) fn signed_in(profile: Profile) -> Self {
        SessionState::SignedIn {
            tier: profile.tier,
            acting_as: profile.acting_as.clone(),
            profile,
        }
    }
}

/// The platform's answer to "text me a code".
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsCodeSent {
    /// Seconds the code stays valid.
    pub expires_in: u32,
    /// Seconds before another code may be requested.
    pub resend_after: u32,
}

/// Real-name verification, by one of the methods the platform offers.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Verification {
    /// Bank-card four-factor check: name, ID number, card number, reserved phone.
    BankCard {
        name: String,
        id_number: String,
        card_number: String,
        reserved_phone: String,
    },
    /// A face-liveness ticket produced by the native liveness SDK.
    Face {
        name: String,
        id_number: String,
        liveness_ticket: String,
    },
}

/// Where to send the user for a third-party sign-in, and the state to expect back.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThirdPartySignIn {
    pub authorization_url: String,
    pub state: String,
}
