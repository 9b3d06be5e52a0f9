//! The platform's verdict on an online token (`POST /api/v1/verify`), read
//! into the same `Verdict` an offline check gives, so the verifier's screen
//! has one shape to show.

use banshitong_trust::{Claim, ClaimValue, LicenceSummary, Outcome, Reason, ReasonKind, Verdict};
use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Deserialize)]
struct WireVerdict {
    outcome: String,
    #[serde(default)]
    reasons: Vec<WireReason>,
    #[serde(default)]
    disclosed: Vec<WireClaim>,
    #[serde(default)]
    licence: Option<WireLicence>,
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    presented_at_ms: Option<u64>,
    #[serde(default)]
    status_unknown_since_ms: Option<u64>,
}

#[derive(Deserialize)]
struct WireReason {
    kind: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct WireClaim {
    name: String,
    value: ClaimValue,
}

#[derive(Deserialize)]
struct WireLicence {
    licence_id: String,
    licence_type: String,
    issuer_name: String,
    #[serde(default)]
    issuer_kid: String,
    #[serde(default)]
    suite: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
}

/// Every reason a verdict can give; the names are their JSON spelling.
const KINDS: [ReasonKind; 17] = [
    ReasonKind::Malformed,
    ReasonKind::OnlineToken,
    ReasonKind::UnknownIssuer,
    ReasonKind::BadIssuerSignature,
    ReasonKind::BadDeviceCertificate,
    ReasonKind::DeviceCertificateExpired,
    ReasonKind::BadDeviceSignature,
    ReasonKind::LicenceDigestMismatch,
    ReasonKind::ClaimNotSigned,
    ReasonKind::DuplicateClaim,
    ReasonKind::PresentationExpired,
    ReasonKind::PresentationFromFuture,
    ReasonKind::Replayed,
    ReasonKind::LicenceNotYetValid,
    ReasonKind::LicenceExpired,
    ReasonKind::Revoked,
    ReasonKind::StatusUnknown,
];

fn json_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A reason the core does not know (a newer platform) still refuses:
/// it is read as malformed, with the platform's own text kept.
fn reason_kind(name: &str) -> ReasonKind {
    KINDS
        .into_iter()
        .find(|k| json_name(k) == name)
        .unwrap_or(ReasonKind::Malformed)
}

pub(crate) fn from_platform(answer: serde_json::Value) -> Result<Verdict> {
    let wire: WireVerdict = serde_json::from_value(answer)
        .map_err(|e| Error::protocol(format!("malformed verdict: {e}")))?;
    let outcome = [Outcome::Valid, Outcome::Invalid, Outcome::StatusUnknown]
        .into_iter()
        .find(|o| json_name(o) == wire.outcome)
        .ok_or_else(|| Error::protocol(format!("verdict outcome {:?}", wire.outcome)))?;
    Ok(Verdict {
        outcome,
        reasons: wire
            .reasons
            .into_iter()
            .map(|r| Reason {
                kind: reason_kind(&r.kind),
                text: r.text,
            })
            .collect(),
        disclosed: wire
            .disclosed
            .into_iter()
            .map(|c| Claim {
                name: c.name,
                value: c.value,
            })
            .collect(),
        licence: wire.licence.map(|l| LicenceSummary {
            licence_id: l.licence_id,
            licence_type: l.licence_type,
            issuer_name: l.issuer_name,
            issuer_kid: l.issuer_kid,
            suite: l.suite,
            valid_from: l.valid_from,
            valid_until: l.valid_until,
        }),
        device_id: wire.device_id,
        presented_at_ms: wire.presented_at_ms,
        status_unknown_since_ms: wire.status_unknown_since_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_kind_reads_back() {
        for kind in KINDS {
            assert_eq!(reason_kind(&json_name(&kind)), kind);
        }
        let verdict = from_platform(serde_json::json!({
            "outcome": "invalid",
            "reasons": [{"kind": "presentation_expired", "text": "expired"}, {"kind": "new_thing"}],
            "disclosed": [{"name": "name_masked", "value": "张*"}]
        }))
        .unwrap();
        assert_eq!(verdict.outcome, Outcome::Invalid);
        assert_eq!(verdict.reasons[0].kind, ReasonKind::PresentationExpired);
        assert_eq!(verdict.reasons[1].kind, ReasonKind::Malformed);
        assert_eq!(verdict.disclosed[0].value, ClaimValue::Text("张*".into()));
        assert!(from_platform(serde_json::json!({"outcome": "maybe"})).is_err());
    }
}
