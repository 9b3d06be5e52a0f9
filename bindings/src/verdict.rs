//! A verifier's verdict as the apps see it. The trust crate's `Verdict`
//! has no uniffi derive (that crate stays free of FFI concerns), so it is
//! mirrored here; the matches are exhaustive, so a new reason in the trust
//! crate fails the build until it is named here too.

use banshitong_core::licences::{Outcome, Reason, ReasonKind, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VerdictOutcome {
    /// Genuine, current, presented by its holder and not revoked.
    Valid,
    /// Refused: see the reasons.
    Invalid,
    /// Genuine and current, but revocation could not be checked (see
    /// `status_unknown_since_ms`): the verifier decides.
    StatusUnknown,
}

/// Why a code was refused (or its status is unknown); see the trust
/// crate's `ReasonKind` for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VerdictReasonKind {
    Malformed,
    OnlineToken,
    UnknownIssuer,
    BadIssuerSignature,
    BadDeviceCertificate,
    DeviceCertificateExpired,
    BadDeviceSignature,
    LicenceDigestMismatch,
    ClaimNotSigned,
    DuplicateClaim,
    PresentationExpired,
    PresentationFromFuture,
    Replayed,
    LicenceNotYetValid,
    LicenceExpired,
    Revoked,
    StatusUnknown,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerdictReason {
    pub kind: VerdictReasonKind,
    /// A sentence for a log; UIs word their own text from `kind`.
    pub text: String,
}

/// A claim the presentation disclosed and the issuer signed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DisclosedClaim {
    pub name: String,
    /// JSON text (strings quoted), as signed.
    pub value_json: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LicenceVerdict {
    pub outcome: VerdictOutcome,
    pub reasons: Vec<VerdictReason>,
    pub disclosed: Vec<DisclosedClaim>,
    /// Set once the issuer signature over the licence checked out.
    pub licence_id: Option<String>,
    pub licence_type: Option<String>,
    pub issuer_name: Option<String>,
    pub suite: Option<String>,
    pub valid_until: Option<String>,
    pub presented_at_ms: Option<u64>,
    /// With `StatusUnknown`: when revocation was last known.
    pub status_unknown_since_ms: Option<u64>,
}

impl From<Verdict> for LicenceVerdict {
    fn from(v: Verdict) -> Self {
        let licence = v.licence.as_ref();
        LicenceVerdict {
            outcome: match v.outcome {
                Outcome::Valid => VerdictOutcome::Valid,
                Outcome::Invalid => VerdictOutcome::Invalid,
                Outcome::StatusUnknown => VerdictOutcome::StatusUnknown,
            },
            reasons: v.reasons.into_iter().map(VerdictReason::from).collect(),
            disclosed: v
                .disclosed
                .into_iter()
                .map(|c| DisclosedClaim {
                    value_json: serde_json::to_string(&c.value).unwrap_or_default(),
                    name: c.name,
                })
                .collect(),
            licence_id: licence.map(|l| l.licence_id.clone()),
            licence_type: licence.map(|l| l.licence_type.clone()),
            issuer_name: licence.map(|l| l.issuer_name.clone()),
            suite: licence.map(|l| l.suite.clone()),
            valid_until: licence.and_then(|l| l.valid_until.clone()),
            presented_at_ms: v.presented_at_ms,
            status_unknown_since_ms: v.status_unknown_since_ms,
        }
    }
}

impl From<Reason> for VerdictReason {
    fn from(r: Reason) -> Self {
        use VerdictReasonKind as K;
        let kind = match r.kind {
            ReasonKind::Malformed => K::Malformed,
            ReasonKind::OnlineToken => K::OnlineToken,
            ReasonKind::UnknownIssuer => K::UnknownIssuer,
            ReasonKind::BadIssuerSignature => K::BadIssuerSignature,
            ReasonKind::BadDeviceCertificate => K::BadDeviceCertificate,
            ReasonKind::DeviceCertificateExpired => K::DeviceCertificateExpired,
            ReasonKind::BadDeviceSignature => K::BadDeviceSignature,
            ReasonKind::LicenceDigestMismatch => K::LicenceDigestMismatch,
            ReasonKind::ClaimNotSigned => K::ClaimNotSigned,
            ReasonKind::DuplicateClaim => K::DuplicateClaim,
            ReasonKind::PresentationExpired => K::PresentationExpired,
            ReasonKind::PresentationFromFuture => K::PresentationFromFuture,
            ReasonKind::Replayed => K::Replayed,
            ReasonKind::LicenceNotYetValid => K::LicenceNotYetValid,
            ReasonKind::LicenceExpired => K::LicenceExpired,
            ReasonKind::Revoked => K::Revoked,
            ReasonKind::StatusUnknown => K::StatusUnknown,
        };
        VerdictReason { kind, text: r.text }
    }
}
