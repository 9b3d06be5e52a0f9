//! The verifier's pure logic: QR text in, verdict out. No clock, network
//! or storage of its own: the caller passes now, the trusted keys, the
//! cached status lists and a replay cache.
//!
//! Checks in order; a failed signature stops the walk (nothing after it
//! can be trusted), later checks each add a reason.

use crate::claims::Claim;
use crate::cose::Sign1;
use crate::device::DeviceCertificate;
use crate::error::TrustError;
use crate::licence::Licence;
use crate::presentation::{
    DEFAULT_OFFLINE_LIFETIME_MS, DeviceSigned, OfflinePresentation, licence_digest,
};
use crate::qr_text::{QrText, decode_qr_text};
use crate::replay::ReplayCache;
use crate::status_list::CachedStatusList;
use crate::trusted::TrustedIssuers;
use crate::verdict::{LicenceSummary, ReasonKind, Verdict};

pub const DEFAULT_CLOCK_SKEW_MS: u64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// How far the holder's clock may differ from ours.
    pub clock_skew_ms: u64,
    /// How long after it was made a presentation is accepted.
    pub lifetime_ms: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            clock_skew_ms: DEFAULT_CLOCK_SKEW_MS,
            lifetime_ms: DEFAULT_OFFLINE_LIFETIME_MS,
        }
    }
}

/// Verifies the QR text of an offline presentation.
pub fn verify(
    qr_text: &str,
    issuers: &TrustedIssuers,
    status_lists: &[CachedStatusList],
    replay: &dyn ReplayCache,
    now_ms: u64,
    options: &VerifyOptions,
) -> Verdict {
    let cbor = match decode_qr_text(qr_text) {
        Ok(QrText::Offline(cbor)) => cbor,
        Ok(QrText::Online(_)) => {
            return Verdict::refused(
                ReasonKind::OnlineToken,
                "an online presentation token: only its issuer can check it",
            );
        }
        Err(e) => return Verdict::refused(ReasonKind::Malformed, e.to_string()),
    };
    let presentation = match OfflinePresentation::from_cbor(&cbor) {
        Ok(p) => p,
        Err(e) => return Verdict::refused(ReasonKind::Malformed, e.to_string()),
    };
    let mut verdict = Verdict::empty();
    check(
        &presentation,
        issuers,
        status_lists,
        replay,
        now_ms,
        options,
        &mut verdict,
    );
    verdict.settle();
    verdict
}

fn signature_reason(e: &TrustError, bad: ReasonKind) -> ReasonKind {
    match e {
        TrustError::UnknownIssuer(_) => ReasonKind::UnknownIssuer,
        TrustError::BadSignature | TrustError::SuiteMismatch { .. } => bad,
        _ => ReasonKind::Malformed,
    }
}

fn check(
    presentation: &OfflinePresentation,
    issuers: &TrustedIssuers,
    status_lists: &[CachedStatusList],
    replay: &dyn ReplayCache,
    now_ms: u64,
    options: &VerifyOptions,
    verdict: &mut Verdict,
) {
    // 1. The licence, signed by a trusted issuer.
    let licence = match Licence::verify(&presentation.licence, issuers) {
        Ok(l) => l,
        Err(e) => {
            let kind = signature_reason(&e, ReasonKind::BadIssuerSignature);
            return verdict.add(kind, format!("licence: {e}"));
        }
    };
    let meta = &licence.metadata;
    verdict.licence = Some(LicenceSummary {
        licence_id: meta.licence_id.clone(),
        licence_type: meta.licence_type.clone(),
        issuer_name: meta.issuer_name.clone(),
        issuer_kid: licence.issuer_kid.to_hex(),
        suite: licence.suite.to_string(),
        valid_from: meta.valid_from.clone(),
        valid_until: meta.valid_until.clone(),
    });

    // 2. The device certificate: signed by a trusted issuer, for the
    //    licence's holder (when the licence names one), not expired.
    let certificate = match DeviceCertificate::verify(&presentation.device_certificate, issuers) {
        Ok(c) => c.certificate,
        Err(e) => {
            let kind = match signature_reason(&e, ReasonKind::BadDeviceCertificate) {
                ReasonKind::Malformed => ReasonKind::BadDeviceCertificate,
                other => other,
            };
            return verdict.add(kind, format!("device certificate: {e}"));
        }
    };
    verdict.device_id = Some(certificate.device_id.clone());
    if let Some(holder) = &licence.holder
        && *holder != certificate.subject
    {
        return verdict.add(
            ReasonKind::BadDeviceCertificate,
            "the device is certified for another user than the licence's holder",
        );
    }
    if certificate.is_expired_at(now_ms) {
        verdict.add(
            ReasonKind::DeviceCertificateExpired,
            format!(
                "the device certificate expired at {} s",
                certificate.expires_at_s
            ),
        );
    }

    // 3. The presentation, signed by the certified device key.
    let signed = match Sign1::parse(&presentation.device_signed) {
        Ok(s) => s,
        Err(e) => return verdict.add(ReasonKind::Malformed, format!("device signature: {e}")),
    };
    if let Err(e) = signed.verify(&certificate.device_key) {
        return verdict.add(
            ReasonKind::BadDeviceSignature,
            format!("not signed by the certified device key: {e}"),
        );
    }
    let signed = match DeviceSigned::from_payload(&signed.payload) {
        Ok(s) => s,
        Err(e) => return verdict.add(ReasonKind::Malformed, e.to_string()),
    };
    verdict.presented_at_ms = Some(signed.issued_at_ms);

    // 4. The device signed this very licence.
    if signed.licence_digest
        != licence_digest(certificate.device_key.suite(), &presentation.licence)
    {
        return verdict.add(
            ReasonKind::LicenceDigestMismatch,
            "the device signed a different licence",
        );
    }

    // 5. Each disclosed claim matches a digest the issuer signed.
    for (i, claim) in signed.disclosed.iter().enumerate() {
        if signed.disclosed[..i].iter().any(|c| c.name == claim.name) {
            verdict.add(
                ReasonKind::DuplicateClaim,
                format!("claim {:?} disclosed twice", claim.name),
            );
        } else if licence.vouches_for(claim) {
            verdict.disclosed.push(Claim {
                name: claim.name.clone(),
                value: claim.value.clone(),
            });
        } else {
            verdict.add(
                ReasonKind::ClaimNotSigned,
                format!("claim {:?} does not match the issuer's digests", claim.name),
            );
        }
    }

    // 6. Fresh: within its lifetime, not from the future (both ± skew).
    let made = signed.issued_at_ms;
    let fresh_until = made
        .saturating_add(options.lifetime_ms)
        .saturating_add(options.clock_skew_ms);
    let fresh = if now_ms >= fresh_until {
        verdict.add(
            ReasonKind::PresentationExpired,
            format!("made at {made} ms, accepted until {fresh_until} ms"),
        );
        false
    } else if made > now_ms.saturating_add(options.clock_skew_ms) {
        verdict.add(
            ReasonKind::PresentationFromFuture,
            format!("made at {made} ms, later than now plus the clock skew"),
        );
        false
    } else {
        true
    };

    // 7. Not replayed: only a fresh presentation takes a slot in the cache.
    if fresh && replay.seen(&signed.nonce, fresh_until, now_ms) {
        verdict.add(ReasonKind::Replayed, "this QR code was already presented");
    }

    // 8. The licence is within its validity dates.
    if !licence.is_within_validity(now_ms) {
        let (kind, text) = match &meta.valid_until {
            Some(until) if licence.has_ended_by(now_ms) => {
                (ReasonKind::LicenceExpired, format!("valid until {until}"))
            }
            _ => (
                ReasonKind::LicenceNotYetValid,
                format!("valid from {}", meta.valid_from.as_deref().unwrap_or("?")),
            ),
        };
        verdict.add(kind, text);
    }

    // 9. Not revoked, from a status list that is still within its max-age.
    check_status(&licence, status_lists, now_ms, verdict);
}

fn check_status(
    licence: &Licence,
    status_lists: &[CachedStatusList],
    now_ms: u64,
    verdict: &mut Verdict,
) {
    let status = &licence.metadata.status;
    let Some(cached) = status_lists.iter().find(|c| c.list.id == status.list_id) else {
        return verdict.add(
            ReasonKind::StatusUnknown,
            format!("status unknown: no status list {:?} cached", status.list_id),
        );
    };
    match cached.list.is_revoked(status.index) {
        // Revocation is final, so even a stale list proves it.
        Ok(true) => verdict.add(ReasonKind::Revoked, "the issuer revoked this licence"),
        Ok(false) if cached.is_stale_at(now_ms) => {
            verdict.status_unknown_since_ms = Some(cached.fetched_at_ms);
            verdict.add(
                ReasonKind::StatusUnknown,
                format!(
                    "status unknown since {} ms: the status list is older than its max-age of {} s",
                    cached.fetched_at_ms, cached.list.ttl_s
                ),
            );
        }
        Ok(false) => {}
        Err(e) => {
            verdict.status_unknown_since_ms = Some(cached.fetched_at_ms);
            verdict.add(ReasonKind::StatusUnknown, format!("status unknown: {e}"));
        }
    }
}
