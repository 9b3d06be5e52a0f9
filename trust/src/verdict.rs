//! What the verifier answers: an outcome, the reasons behind it, and what
//! the presentation disclosed.

use crate::claims::Claim;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Genuine, current, presented by its holder and not revoked.
    Valid,
    /// Refused: see the reasons.
    Invalid,
    /// Genuine and current, but revocation could not be checked (no status
    /// list, or one older than its max-age): the verifier decides.
    StatusUnknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Not a licence QR code, or its encoding is broken or truncated.
    Malformed,
    /// A `BST0:` token: only the issuer can check it, online.
    OnlineToken,
    /// The licence or certificate names an issuer key not trusted here.
    UnknownIssuer,
    /// The issuer signature over the licence does not verify.
    BadIssuerSignature,
    /// The device certificate is malformed, not signed by a trusted issuer,
    /// or certifies a device of another user than the licence's holder.
    BadDeviceCertificate,
    DeviceCertificateExpired,
    /// The presentation is not signed by the certified device key.
    BadDeviceSignature,
    /// The device signed a different licence than the one bundled.
    LicenceDigestMismatch,
    /// A disclosed claim (value, salt or name) matches no signed digest.
    ClaimNotSigned,
    /// A claim is disclosed twice.
    DuplicateClaim,
    /// Older than its lifetime plus the clock skew.
    PresentationExpired,
    /// Made later than now plus the clock skew.
    PresentationFromFuture,
    /// Its nonce was already seen within the window.
    Replayed,
    LicenceNotYetValid,
    LicenceExpired,
    Revoked,
    /// Revocation could not be checked.
    StatusUnknown,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub text: String,
}

/// The licence as the verifier saw it (issuer signature checked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LicenceSummary {
    pub licence_id: String,
    pub licence_type: String,
    pub issuer_name: String,
    pub issuer_kid: String,
    pub suite: String,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
    /// Only the claims whose salted digests the issuer signed.
    pub disclosed: Vec<Claim>,
    pub licence: Option<LicenceSummary>,
    pub device_id: Option<String>,
    pub presented_at_ms: Option<u64>,
    /// With `StatusUnknown`: when the status was last known (the fetch time
    /// of the stale list), if any list was cached.
    pub status_unknown_since_ms: Option<u64>,
}

impl Verdict {
    pub(crate) fn refused(kind: ReasonKind, text: impl Into<String>) -> Verdict {
        let mut verdict = Verdict::empty();
        verdict.reasons.push(Reason {
            kind,
            text: text.into(),
        });
        verdict.settle();
        verdict
    }

    pub(crate) fn empty() -> Verdict {
        Verdict {
            outcome: Outcome::Invalid,
            reasons: Vec::new(),
            disclosed: Vec::new(),
            licence: None,
            device_id: None,
            presented_at_ms: None,
            status_unknown_since_ms: None,
        }
    }

    pub(crate) fn add(&mut self, kind: ReasonKind, text: impl Into<String>) {
        self.reasons.push(Reason {
            kind,
            text: text.into(),
        });
    }

    /// Sets the outcome from the reasons: any refusal wins over an unknown
    /// status, and no reason at all means valid.
    pub(crate) fn settle(&mut self) {
        self.outcome = if self
            .reasons
            .iter()
            .any(|r| r.kind != ReasonKind::StatusUnknown)
        {
            Outcome::Invalid
        } else if self.reasons.is_empty() {
            Outcome::Valid
        } else {
            Outcome::StatusUnknown
        };
    }

    pub fn has(&self, kind: ReasonKind) -> bool {
        self.reasons.iter().any(|r| r.kind == kind)
    }
}
