//! Verifying shown licences against the reference server, and without it:
//! presenting with the network gone, revocation after the status list is
//! refreshed, a stale list offline (status unknown since T), a replay
//! refused after the verifier's app restarted, and garbage.

mod common;

use std::sync::Arc;
use std::time::Duration;

use banshitong_core::licences::{Disclosure, Outcome, PresentationMode, ReasonKind};
use banshitong_core::platform::MemorySecretStore;
use banshitong_trust::Suite;
use common::client_in;
use common::licences::{ID_CARD, holder, issuer, revoke, verifier_client};
use common::proxy::{Mode, Proxy};

#[tokio::test]
async fn a_synced_licence_is_presented_with_the_network_gone() {
    let issuer = issuer(Suite::Sm2Sm3, Duration::from_secs(300)).await;
    let proxy = Proxy::start(issuer.server.addr()).await;
    let holder = holder(&issuer.server, &proxy.url(), "13800000001").await;
    let held = holder.licences.sync().await.unwrap();
    let id_card = held.iter().find(|l| l.licence_type == ID_CARD).unwrap();

    proxy.set(Mode::Refuse);
    assert_eq!(holder.licences.list().await.unwrap(), held);
    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Masked)
        .await
        .unwrap();
    let online = holder
        .licences
        .present(&id_card.id, PresentationMode::Online, &Disclosure::Masked)
        .await;
    assert!(matches!(online, Err(e) if e.is_network()));

    let (verifier, _dir) = verifier_client(&issuer.server.base_url());
    let verdict = verifier.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:?}");
}

#[tokio::test]
async fn a_revocation_is_seen_once_the_status_list_is_refreshed() {
    let issuer = issuer(Suite::Ed25519, Duration::from_secs(300)).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13800000002").await;
    let id_card = holder.id_card().await;
    let (client, _dir) = verifier_client(&api);
    let verifier = client.verifier();
    let show = || {
        holder
            .licences
            .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
    };

    let verdict = verifier
        .verify(&show().await.unwrap().qr_text)
        .await
        .unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);

    let before_revocation = show().await.unwrap();
    revoke(&api, &id_card.id).await;
    verifier.refresh().await.unwrap();
    let verdict = verifier.verify(&before_revocation.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Invalid);
    assert!(verdict.has(ReasonKind::Revoked), "{verdict:?}");
}

#[tokio::test]
async fn a_stale_status_list_offline_gives_status_unknown_since_its_fetch() {
    // Lists good for two seconds, so the test only waits a little longer.
    let issuer = issuer(Suite::Ed25519, Duration::from_secs(2)).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13800000003").await;
    let id_card = holder.id_card().await;
    let proxy = Proxy::start(issuer.server.addr()).await;
    let (client, _dir) = verifier_client(&proxy.url());
    let verifier = client.verifier();
    let show = || {
        holder
            .licences
            .present(&id_card.id, PresentationMode::Offline, &Disclosure::Masked)
    };

    let verdict = verifier
        .verify(&show().await.unwrap().qr_text)
        .await
        .unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);

    proxy.set(Mode::Refuse);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let verdict = verifier
        .verify(&show().await.unwrap().qr_text)
        .await
        .unwrap();
    assert_eq!(verdict.outcome, Outcome::StatusUnknown, "{verdict:?}");
    assert!(verdict.has(ReasonKind::StatusUnknown));
    assert!(verdict.status_unknown_since_ms.is_some());
    // Everything else about it was checked and is shown.
    assert!(!verdict.disclosed.is_empty());

    // Back online, the list is fetched again and the answer is certain.
    proxy.set(Mode::Pass);
    let verdict = verifier
        .verify(&show().await.unwrap().qr_text)
        .await
        .unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:?}");
}

#[tokio::test]
async fn a_replay_is_refused_after_the_verifier_restarts() {
    let issuer = issuer(Suite::Sm2Sm3, Duration::from_secs(300)).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13800000004").await;
    let id_card = holder.id_card().await;
    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let first = client_in(&api, &dir, Arc::new(MemorySecretStore::new()));
    let verdict = first.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
    drop(first);

    let restarted = client_in(&api, &dir, Arc::new(MemorySecretStore::new()));
    let verdict = restarted.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Invalid);
    assert!(verdict.has(ReasonKind::Replayed), "{verdict:?}");
}

#[tokio::test]
async fn garbage_and_truncated_text_are_refused_as_malformed() {
    let issuer = issuer(Suite::Ed25519, Duration::from_secs(300)).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13800000005").await;
    let id_card = holder.id_card().await;
    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
        .await
        .unwrap();
    let (client, _dir) = verifier_client(&api);
    let verifier = client.verifier();

    let truncated = &shown.qr_text[..shown.qr_text.len() / 2];
    for text in ["", "hello", "BST1:", "BST1:%%%%", truncated] {
        let verdict = verifier.verify(text).await.unwrap();
        assert_eq!(verdict.outcome, Outcome::Invalid, "{text:?}");
        assert!(verdict.has(ReasonKind::Malformed), "{text:?}: {verdict:?}");
    }
    // No clock skew allowed still accepts a code made just now.
    let strict = verifier.with_clock_skew(Duration::ZERO);
    let verdict = strict.verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid);
}

#[tokio::test]
async fn a_code_older_than_its_lifetime_and_the_clock_skew_is_refused() {
    let issuer = issuer(Suite::Ed25519, Duration::from_secs(300)).await;
    let api = issuer.server.base_url();
    let holder = holder(&issuer.server, &api, "13800000006").await;
    let id_card = holder.id_card().await;
    let shown = holder
        .licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Full)
        .await
        .unwrap();
    let (client, _dir) = verifier_client(&api);
    // A verifier accepting codes for 100 ms with no clock skew: the code
    // is stale 200 ms later, as a screenshot would be the next day.
    let strict = client
        .verifier()
        .with_presentation_lifetime(Duration::from_millis(100))
        .with_clock_skew(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let verdict = strict.verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Invalid);
    assert!(verdict.has(ReasonKind::PresentationExpired), "{verdict:?}");
    // The default verifier (30 s lifetime, 60 s skew) takes the same code.
    let verdict = client.verifier().verify(&shown.qr_text).await.unwrap();
    assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:?}");
}
