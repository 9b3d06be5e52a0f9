//! Every refusal issue 8 lists, in both suites: each test breaks one thing
//! and checks the verdict names exactly that.

mod common;

use banshitong_trust::qr_text::encode_offline;
use banshitong_trust::{
    ClaimValue, Outcome, ReasonKind, SaltedClaim, SigningKey, Suite, TrustedIssuers, Verdict,
    issue_licence, random_nonce,
};
use common::{NOW_MS, STATUS_TTL_S, World, certificate_for, certificate_of, metadata, samples};

fn assert_refused(verdict: &Verdict, kind: ReasonKind) {
    assert_eq!(verdict.outcome, Outcome::Invalid, "{:?}", verdict.reasons);
    assert!(
        verdict.has(kind),
        "expected {kind:?} in {:?}",
        verdict.reasons
    );
}

/// A presentation the device signs honestly over whatever claims it is given.
fn present_claims(world: &World, claims: Vec<SaltedClaim>) -> String {
    let names: Vec<String> = claims.iter().map(|c| c.name.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let claims = banshitong_trust::DisclosableClaims { claims };
    let p = world.bundle(&world.licence, &claims, &names);
    encode_offline(&p.to_cbor())
}

#[test]
fn a_changed_claim_value_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let mut name = world.claims.get("name").unwrap().clone();
        name.value = ClaimValue::Text("李四".into());
        let verdict = world.verify(&present_claims(&world, vec![name]));
        assert_refused(&verdict, ReasonKind::ClaimNotSigned);
        assert!(verdict.disclosed.is_empty(), "a refused claim is not shown");
    }
}

#[test]
fn a_changed_salt_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let mut name = world.claims.get("name").unwrap().clone();
        name.salt[0] ^= 1;
        assert_refused(
            &world.verify(&present_claims(&world, vec![name])),
            ReasonKind::ClaimNotSigned,
        );
    }
}

#[test]
fn a_claim_renamed_or_smuggled_in_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        // The masked value under the full claim's name.
        let mut renamed = world.claims.get("name_masked").unwrap().clone();
        renamed.name = "name".into();
        assert_refused(
            &world.verify(&present_claims(&world, vec![renamed])),
            ReasonKind::ClaimNotSigned,
        );
        // A claim the issuer never signed, next to a genuine one.
        let smuggled = SaltedClaim {
            name: "vip".into(),
            value: ClaimValue::Bool(true),
            salt: [9; 16],
        };
        let genuine = world.claims.get("sex").unwrap().clone();
        let verdict = world.verify(&present_claims(&world, vec![genuine, smuggled]));
        assert_refused(&verdict, ReasonKind::ClaimNotSigned);
        assert_eq!(verdict.disclosed.len(), 1, "only the signed claim is shown");
    }
}

#[test]
fn a_claim_disclosed_twice_is_refused() {
    use ciborium::Value;
    let world = World::new(Suite::Ed25519);
    let claim = world.claims.get("name").unwrap();
    let disclosed = Value::Array(vec![
        Value::Text(claim.name.clone()),
        Value::Text("张三丰".into()),
        Value::Bytes(claim.salt.to_vec()),
    ]);
    // select() drops repeats, so the device payload is built by hand.
    let digest = banshitong_trust::presentation::licence_digest(Suite::Ed25519, &world.licence);
    let payload = Value::Map(vec![
        (Value::Integer(1.into()), Value::Bytes(digest.to_vec())),
        (
            Value::Integer(2.into()),
            Value::Array(vec![disclosed.clone(), disclosed]),
        ),
        (Value::Integer(3.into()), Value::Integer(NOW_MS.into())),
        (
            Value::Integer(4.into()),
            Value::Bytes(random_nonce().to_vec()),
        ),
    ]);
    let mut bytes = Vec::new();
    ciborium::into_writer(&payload, &mut bytes).unwrap();
    let p = banshitong_trust::OfflinePresentation {
        licence: world.licence.clone(),
        device_certificate: world.certificate.clone(),
        device_signed: banshitong_trust::sign1(&world.device, bytes),
    };
    let verdict = world.verify(&encode_offline(&p.to_cbor()));
    assert_refused(&verdict, ReasonKind::DuplicateClaim);
    assert_eq!(verdict.disclosed.len(), 1);
}

#[test]
fn an_unknown_issuer_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        world.trusted =
            TrustedIssuers::from_keys([SigningKey::generate(suite).verifying_key().clone()]);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::UnknownIssuer,
        );
    }
}

#[test]
fn a_licence_signed_by_another_key_under_the_issuers_kid_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        // Same kid, other key: the trusted map points the issuer's kid at
        // a key that did not sign the licence.
        let impostor = World::new(suite);
        let mut p = world.bundle(&impostor.licence, &impostor.claims, &["name"]);
        // Rewrite the impostor licence's kid to the genuine issuer's.
        let (from, to) = (impostor.issuer.kid(), world.issuer.kid());
        let at = p
            .licence
            .windows(8)
            .position(|w| w == from.as_bytes())
            .unwrap();
        p.licence[at..at + 8].copy_from_slice(to.as_bytes());
        let p = world.bundle(&p.licence, &impostor.claims, &["name"]);
        assert_refused(
            &world.verify(&encode_offline(&p.to_cbor())),
            ReasonKind::BadIssuerSignature,
        );
    }
}

#[test]
fn an_edited_licence_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let mut licence = world.licence.clone();
        let at = licence.windows(8).position(|w| w == b"LIC-0001").unwrap();
        licence[at + 7] = b'2';
        let p = world.bundle(&licence, &world.claims, &["name"]);
        assert_refused(
            &world.verify(&encode_offline(&p.to_cbor())),
            ReasonKind::BadIssuerSignature,
        );
    }
}

#[test]
fn a_device_certificate_for_another_device_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        // The certificate names device A; the presentation is signed by B.
        world.device = SigningKey::generate(suite);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::BadDeviceSignature,
        );
    }
}

#[test]
fn a_device_certified_for_another_user_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        // A genuine device of another user presenting the holder's licence and salts.
        world.certificate =
            certificate_of(&world.issuer, &world.device, "user-2", NOW_MS / 1000 + 3600);
        let verdict = world.verify(&world.present(&["name"]));
        assert_refused(&verdict, ReasonKind::BadDeviceCertificate);
        assert!(verdict.disclosed.is_empty());
    }
}

#[test]
fn a_licence_bound_to_no_holder_accepts_any_certified_device() {
    let mut world = World::new(Suite::Ed25519);
    let (licence, claims) =
        issue_licence(&world.issuer, &metadata("居民身份证"), &samples()[0].claims).unwrap();
    world.licence = licence;
    world.claims = claims;
    world.certificate =
        certificate_of(&world.issuer, &world.device, "user-2", NOW_MS / 1000 + 3600);
    assert_eq!(
        world.verify(&world.present(&["name"])).outcome,
        Outcome::Valid
    );
}

#[test]
fn a_device_certificate_from_an_untrusted_issuer_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        world.certificate = certificate_for(
            &SigningKey::generate(suite),
            &world.device,
            NOW_MS / 1000 + 3600,
        );
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::UnknownIssuer,
        );
    }
}

#[test]
fn an_expired_device_certificate_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        world.certificate = certificate_for(&world.issuer, &world.device, NOW_MS / 1000 - 1);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::DeviceCertificateExpired,
        );
    }
}

#[test]
fn a_presentation_of_another_licence_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let (other, _) = issue_licence(
            &world.issuer,
            &metadata("机动车驾驶证"),
            &samples()[1].claims,
        )
        .unwrap();
        let mut p = world.bundle(&world.licence, &world.claims, &["name"]);
        p.licence = other;
        assert_refused(
            &world.verify(&encode_offline(&p.to_cbor())),
            ReasonKind::LicenceDigestMismatch,
        );
    }
}

#[test]
fn an_expired_presentation_is_refused_and_one_within_the_skew_is_not() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        // Lifetime 30 s plus skew 60 s.
        let qr = world.present(&["name"]);
        assert_eq!(
            world.verify_at(&qr, NOW_MS + 89_999).outcome,
            Outcome::Valid
        );
        let qr = world.present(&["name"]);
        assert_refused(
            &world.verify_at(&qr, NOW_MS + 90_000),
            ReasonKind::PresentationExpired,
        );
    }
}

#[test]
fn a_presentation_from_the_future_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let qr = world.present_at(&["name"], NOW_MS + 60_001);
        assert_refused(
            &world.verify_at(&qr, NOW_MS),
            ReasonKind::PresentationFromFuture,
        );
        let qr = world.present_at(&["name"], NOW_MS + 60_000);
        assert_eq!(world.verify_at(&qr, NOW_MS).outcome, Outcome::Valid);
    }
}

#[test]
fn a_replayed_nonce_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let qr = world.present(&["name"]);
        assert_eq!(world.verify(&qr).outcome, Outcome::Valid);
        assert_refused(&world.verify(&qr), ReasonKind::Replayed);
        // A fresh presentation (new nonce) of the same licence is fine.
        assert_eq!(
            world.verify(&world.present(&["name"])).outcome,
            Outcome::Valid
        );
    }
}

#[test]
fn a_revoked_licence_is_refused() {
    for suite in Suite::ALL {
        let mut world = World::new(suite);
        world.revoke_and_refetch(NOW_MS - 1_000);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::Revoked,
        );
    }
}

#[test]
fn a_stale_status_list_gives_status_unknown_since_its_fetch() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let fetched = world.status_lists[0].fetched_at_ms;
        let later = fetched + STATUS_TTL_S * 1000;
        let verdict = world.verify_at(&world.present_at(&["name"], later), later);
        assert_eq!(
            verdict.outcome,
            Outcome::StatusUnknown,
            "{:?}",
            verdict.reasons
        );
        assert_eq!(verdict.status_unknown_since_ms, Some(fetched));
        assert!(verdict.reasons[0].text.contains(&fetched.to_string()));
        assert_eq!(verdict.disclosed.len(), 1, "the claims are still shown");
        // One millisecond earlier the list is still fresh.
        let earlier = later - 1;
        assert_eq!(
            world
                .verify_at(&world.present_at(&["name"], earlier), earlier)
                .outcome,
            Outcome::Valid
        );
    }
}

#[test]
fn a_stale_list_still_proves_a_revocation() {
    let mut world = World::new(Suite::Sm2Sm3);
    world.revoke_and_refetch(NOW_MS - 1_000);
    let later = NOW_MS + STATUS_TTL_S * 1000 * 10;
    assert_refused(
        &world.verify_at(&world.present_at(&["name"], later), later),
        ReasonKind::Revoked,
    );
}

#[test]
fn no_cached_status_list_gives_status_unknown() {
    let mut world = World::new(Suite::Ed25519);
    world.status_lists.clear();
    let verdict = world.verify(&world.present(&["name"]));
    assert_eq!(verdict.outcome, Outcome::StatusUnknown);
    assert_eq!(verdict.status_unknown_since_ms, None);
}

#[test]
fn a_licence_past_its_validity_is_refused() {
    for suite in Suite::ALL {
        let mut meta = metadata("居民身份证");
        meta.valid_until = Some("2026-09-20".into());
        let world = World::with(suite, &samples()[0], meta);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::LicenceExpired,
        );

        let mut meta = metadata("居民身份证");
        meta.valid_from = Some("2026-09-22".into());
        let world = World::with(suite, &samples()[0], meta);
        assert_refused(
            &world.verify(&world.present(&["name"])),
            ReasonKind::LicenceNotYetValid,
        );
    }
}

#[test]
fn a_licence_without_an_end_date_stays_valid() {
    let mut meta = metadata("居民身份证");
    meta.valid_until = None;
    let world = World::with(Suite::Ed25519, &samples()[0], meta);
    assert_eq!(
        world.verify(&world.present(&["name"])).outcome,
        Outcome::Valid
    );
}
