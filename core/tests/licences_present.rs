//! Holding and showing licences against the reference server: sync into
//! the personal database, offline presentations in both signature suites,
//! masked disclosure, online tokens, the refreshing presentation stream,
//! and revocation shown to the holder.

mod common;

use std::time::Duration;

use banshitong_core::Error;
use banshitong_core::licences::{Disclosure, LicenceStatus, Outcome, PresentationMode, QrMatrix};
use banshitong_trust::{ClaimValue, Suite};
use common::licences::{Holder, ID_CARD, holder, issuer, revoke, verifier_client};
use common::{client_in, requests_seen};

const LIST_TTL: Duration = Duration::from_secs(300);

fn names(verdict: &banshitong_core::licences::Verdict) -> Vec<&str> {
    verdict.disclosed.iter().map(|c| c.name.as_str()).collect()
}

#[tokio::test]
async fn synced_licences_present_offline_and_verify_in_both_suites() {
    for suite in Suite::ALL {
        let issuer = issuer(suite, LIST_TTL).await;
        let api = issuer.server.base_url();
        let holder = holder(&issuer.server, &api, "13700000001").await;
        let held = holder.licences.sync().await.unwrap();
        let id_card = held
            .iter()
            .find(|l| l.licence_type == ID_CARD)
            .expect("a verified person holds an ID card");
        assert_eq!(id_card.suite, suite.as_str());
        assert_eq!(id_card.status, LicenceStatus::Valid);
        assert!(id_card.claims.iter().any(|c| c.name == "name" && !c.masked));
        assert!(
            id_card
                .claims
                .iter()
                .any(|c| c.name == "name_masked" && c.masked)
        );
        // Read back from the personal database, with no network needed.
        assert_eq!(holder.licences.list().await.unwrap(), held);

        let shown = holder
            .licences
            .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
            .await
            .unwrap();
        assert!(shown.qr_text.starts_with("BST1:"));
        assert_eq!(shown.expires_at_ms - shown.issued_at_ms, 30_000);
        // The reference server's names are two or three characters, so an
        // SM2 ID card with a three-character name can reach version 26.
        assert!(QrMatrix::encode(&shown.qr_text).unwrap().version <= 26);

        let (verifier, _dir) = verifier_client(&api);
        let verdict = verifier.verifier().verify(&shown.qr_text).await.unwrap();
        assert_eq!(verdict.outcome, Outcome::Valid, "{suite}: {verdict:?}");
        let licence = verdict.licence.as_ref().unwrap();
        assert_eq!(licence.licence_id, id_card.id);
        assert_eq!(licence.suite, suite.as_str());
        assert!(names(&verdict).contains(&"name"));
        assert!(!names(&verdict).iter().any(|n| n.ends_with("_masked")));
    }
}

#[tokio::test]
async fn the_holder_chooses_masked_or_single_claims() {
    let issuer = issuer(Suite::Ed25519, LIST_TTL).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13700000002").await;
    let id_card = holder.id_card().await;
    let verifier = verifier_client(&api);
    let verifier = verifier.0.verifier();

    let masked = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Masked)
        .await
        .unwrap();
    let verdict = verifier.verify(&masked.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
    assert!(names(&verdict).contains(&"name_masked"));
    assert!(names(&verdict).contains(&"id_number_masked"));
    assert!(!names(&verdict).contains(&"name") && !names(&verdict).contains(&"id_number"));
    let name = verdict.disclosed.iter().find(|c| c.name == "name_masked");
    assert_eq!(name.unwrap().value, ClaimValue::Text("张**".into()));

    let only = Disclosure::Only {
        names: vec!["name_masked".into()],
    };
    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &only)
        .await
        .unwrap();
    let verdict = verifier.verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
    assert_eq!(names(&verdict), ["name_masked"]);

    let unknown = Disclosure::Only {
        names: vec!["blood_type".into()],
    };
    let refused = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &unknown)
        .await;
    assert!(matches!(refused, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn an_online_token_is_presented_and_verified_by_the_platform() {
    let issuer = issuer(Suite::Sm2Sm3, LIST_TTL).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13700000003").await;
    let id_card = holder.id_card().await;

    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Online, &Disclosure::Masked)
        .await
        .unwrap();
    assert!(shown.qr_text.starts_with("BST0:"));
    assert!(shown.expires_at_ms > shown.issued_at_ms);
    // An online token makes a small code.
    assert!(QrMatrix::encode(&shown.qr_text).unwrap().version <= 2);

    let (verifier, _dir) = verifier_client(&api);
    let verdict = verifier.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:?}");
    assert!(names(&verdict).contains(&"name_masked"));
    assert_eq!(verdict.licence.unwrap().licence_id, id_card.id);

    let unknown = verifier
        .verifier()
        .verify("BST0:AAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap();
    assert_eq!(unknown.outcome, Outcome::Invalid);
}

#[tokio::test]
async fn the_stream_shows_a_new_code_before_the_old_one_expires() {
    let issuer = issuer(Suite::Ed25519, LIST_TTL).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13700000004").await;
    let id_card = holder.id_card().await;
    let (verifier, _dir) = verifier_client(&api);

    // Two-second codes, refreshed a second ahead: the test waits about one.
    let quick = holder
        .licences
        .with_offline_lifetime(Duration::from_secs(2), Duration::from_secs(1));
    let mut stream =
        quick.present_stream(&id_card.id, PresentationMode::Offline, Disclosure::Masked);
    let first = stream.next().await.unwrap().unwrap();
    let second = stream.next().await.unwrap().unwrap();
    assert_ne!(first.qr_text, second.qr_text);
    assert!(second.issued_at_ms < first.expires_at_ms);
    assert_eq!(second.expires_at_ms - second.issued_at_ms, 2_000);
    let verdict = verifier.verifier().verify(&second.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
}

#[tokio::test]
async fn a_revoked_licence_shows_revoked_and_is_not_presented() {
    let issuer = issuer(Suite::Ed25519, LIST_TTL).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13700000005").await;
    let held = holder.licences.sync().await.unwrap();
    let id_card = held.iter().find(|l| l.licence_type == ID_CARD).unwrap();

    revoke(&api, &id_card.id).await;
    let held = holder.licences.sync().await.unwrap();
    let id_card = held.iter().find(|l| l.id == id_card.id).unwrap();
    assert_eq!(id_card.status, LicenceStatus::Revoked);
    let refused = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
        .await;
    assert!(matches!(refused, Err(Error::InvalidInput { .. })));
    let missing = holder
        .licences
        .present(
            "no-such-licence",
            PresentationMode::Offline,
            &Disclosure::Full,
        )
        .await;
    assert!(matches!(missing, Err(Error::NotFound { .. })));
}

#[tokio::test]
async fn the_device_key_is_made_and_certified_once() {
    let issuer = issuer(Suite::Ed25519, LIST_TTL).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13700000006").await;
    let id_card = holder.id_card().await;
    assert_eq!(requests_seen(&issuer.server, "/api/v1/devices").await, 1);
    for _ in 0..3 {
        holder
            .licences
            .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
            .await
            .unwrap();
    }
    holder.licences.sync().await.unwrap();

    // The app restarts: the key comes back from the SecretStore and the
    // certificate from the personal database.
    let Holder {
        client,
        licences,
        secrets,
        dir,
    } = holder;
    drop((client, licences));
    let restarted = client_in(&api, &dir, secrets);
    let shown = restarted
        .licences()
        .await
        .unwrap()
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
        .await
        .unwrap();
    assert_eq!(requests_seen(&issuer.server, "/api/v1/devices").await, 1);
    let (verifier, _dir) = verifier_client(&api);
    let verdict = verifier.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
}
