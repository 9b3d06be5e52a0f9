//! Both suites end to end: issue, present (full and masked), verify.

mod common;

use banshitong_trust::{
    ClaimValue, DeviceCertificate, KeyId, Licence, Outcome, QrText, SigningKey, StatusList, Suite,
    VerifyingKey, decode_qr_text, mask_id_number, mask_mobile, mask_name,
};
use common::{NOW_MS, World, metadata, samples};

fn disclosed(verdict: &banshitong_trust::Verdict, name: &str) -> Option<ClaimValue> {
    verdict
        .disclosed
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.value.clone())
}

#[test]
fn a_full_presentation_verifies_in_both_suites() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let qr = world.present(&["name", "id_number", "birth_date"]);
        assert!(qr.starts_with("BST1:"));
        let verdict = world.verify(&qr);
        assert_eq!(
            verdict.outcome,
            Outcome::Valid,
            "{suite}: {:?}",
            verdict.reasons
        );
        assert_eq!(disclosed(&verdict, "name"), Some("张三丰".into()));
        assert_eq!(
            disclosed(&verdict, "id_number"),
            Some("530102199001011234".into())
        );
        assert_eq!(disclosed(&verdict, "birth_date"), Some("1990-01-01".into()));
        assert_eq!(
            disclosed(&verdict, "address"),
            None,
            "undisclosed claims stay hidden"
        );
        let licence = verdict.licence.expect("licence summary");
        assert_eq!(licence.licence_type, "居民身份证");
        assert_eq!(licence.suite, suite.as_str());
        assert_eq!(licence.issuer_kid, world.issuer.kid().to_hex());
        assert_eq!(licence.valid_until.as_deref(), Some("2040-12-31"));
        assert_eq!(verdict.presented_at_ms, Some(NOW_MS));
        assert_eq!(verdict.device_id.as_deref(), Some(common::DEVICE_ID));
    }
}

#[test]
fn a_masked_presentation_reveals_only_the_masked_forms() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let verdict = world.verify(&world.present(&["name_masked", "id_number_masked"]));
        assert_eq!(
            verdict.outcome,
            Outcome::Valid,
            "{suite}: {:?}",
            verdict.reasons
        );
        assert_eq!(disclosed(&verdict, "name_masked"), Some("张**".into()));
        assert_eq!(
            disclosed(&verdict, "id_number_masked"),
            Some("5301**********1234".into())
        );
        assert_eq!(verdict.disclosed.len(), 2);
    }
}

#[test]
fn every_licence_type_presents_in_both_forms() {
    for suite in Suite::ALL {
        for sample in samples() {
            let world = World::with(suite, &sample, metadata(sample.licence_type));
            for disclose in [&sample.full, &sample.masked] {
                let verdict = world.verify(&world.present(disclose));
                assert_eq!(
                    verdict.outcome,
                    Outcome::Valid,
                    "{suite} {}",
                    sample.licence_type
                );
                assert_eq!(verdict.disclosed.len(), disclose.len());
            }
        }
    }
}

#[test]
fn the_holder_cannot_disclose_a_claim_the_licence_lacks() {
    let world = World::new(Suite::Ed25519);
    let err = banshitong_trust::present_offline(
        &world.licence,
        &world.claims,
        &["blood_type"],
        &world.device,
        &world.certificate,
        NOW_MS,
        [0; 16],
    )
    .unwrap_err();
    assert_eq!(
        err,
        banshitong_trust::TrustError::UnknownClaim("blood_type".into())
    );
}

#[test]
fn keys_round_trip_through_their_bytes_with_a_stable_kid() {
    for suite in Suite::ALL {
        let key = SigningKey::generate(suite);
        let again = SigningKey::from_bytes(suite, &key.secret_bytes()).unwrap();
        assert_eq!(again.kid(), key.kid());
        let public = VerifyingKey::from_bytes(suite, &key.verifying_key().to_bytes()).unwrap();
        assert_eq!(&public, key.verifying_key());
        assert_eq!(public.kid(), KeyId::of(suite, &public.to_bytes()));
        assert_eq!(
            KeyId::from_hex(&public.kid().to_hex()).unwrap(),
            public.kid()
        );
        let signature = key.sign(b"message");
        assert_eq!(signature.len(), 64);
        public.verify(b"message", &signature).unwrap();
        assert!(public.verify(b"messagf", &signature).is_err());
        assert!(VerifyingKey::from_bytes(suite, &[7; 5]).is_err());
        assert_eq!(suite.as_str().parse::<Suite>().unwrap(), suite);
    }
    // The SM2 scalar must be in 1..n: zero is refused, not panicked on.
    assert!(SigningKey::from_bytes(Suite::Sm2Sm3, &[0; 32]).is_err());
}

#[test]
fn licences_and_certificates_parse_back() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let licence = Licence::verify(&world.licence, &world.trusted).unwrap();
        assert_eq!(licence.metadata, metadata("居民身份证"));
        assert_eq!(licence.suite, suite);
        assert_eq!(licence.holder.as_deref(), Some(common::HOLDER));
        assert_eq!(Licence::parse_unverified(&world.licence).unwrap(), licence);
        let certificate = DeviceCertificate::verify(&world.certificate, &world.trusted).unwrap();
        assert_eq!(
            &certificate.certificate.device_key,
            world.device.verifying_key()
        );
        assert_eq!(certificate.issuer_kid, world.issuer.kid());
    }
}

#[test]
fn status_lists_round_trip_with_their_revocations() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let mut list = StatusList::new("shard-7", 20_000, 300);
        for index in [0, 7, 8, 19_999] {
            list.revoke(index).unwrap();
        }
        let signed = list.sign(&world.issuer, 1_790_000_000);
        assert!(
            signed.len() < 200,
            "20 000 mostly-clear bits compress: {}",
            signed.len()
        );
        let (parsed, kid) = StatusList::verify(&signed, &world.trusted).unwrap();
        assert_eq!(kid, world.issuer.kid());
        assert_eq!(parsed, list);
        for index in [0, 7, 8, 19_999] {
            assert!(parsed.is_revoked(index).unwrap());
        }
        assert!(!parsed.is_revoked(1).unwrap());
        assert!(parsed.is_revoked(20_000).is_err());
        assert!(list.revoke(20_000).is_err());
    }
}

#[test]
fn masks_keep_what_the_counter_needs() {
    assert_eq!(mask_id_number("530102199001011234"), "5301**********1234");
    assert_eq!(mask_name("张三"), "张*");
    assert_eq!(mask_name("欧阳娜娜"), "欧***");
    assert_eq!(mask_mobile("13812345678"), "138****5678");
    assert_eq!(mask_mobile("123"), "***");
}

#[test]
fn online_tokens_are_text_the_issuer_checks() {
    let text = banshitong_trust::encode_online_token("7GQ2K9XW4M").unwrap();
    assert_eq!(text, "BST0:7GQ2K9XW4M");
    assert_eq!(
        decode_qr_text(&text).unwrap(),
        QrText::Online("7GQ2K9XW4M".into())
    );
    assert!(banshitong_trust::encode_online_token("lower").is_err());
    assert!(banshitong_trust::encode_online_token("").is_err());
    let world = World::new(Suite::Ed25519);
    let verdict = world.verify(&text);
    assert_eq!(verdict.outcome, Outcome::Invalid);
    assert!(verdict.has(banshitong_trust::ReasonKind::OnlineToken));
}
