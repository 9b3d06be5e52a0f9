//! Revocation: a dev revoke flips the licence's bit in its signed status
//! list (signed again at once), the holder sees `revoked`, and the list is
//! served with a short max-age.

mod common;

use banshitong_trust::Suite;
use common::licences::{get_status_list, holder, licences, revoke, start, status_list};
use reqwest::StatusCode;

const PHONE: &str = "13800138000";

async fn revoking_flips_the_bit(suite: Suite) {
    let (server, _dir) = start(suite).await;
    let (token, _) = holder(&server, PHONE).await;
    let listed = licences(&server, &token).await;
    let list_id = listed[0]["status_list"]["id"].as_str().unwrap().to_owned();
    assert!(list_id.starts_with(suite.as_str()), "{list_id}");
    let index = |n: usize| listed[n]["status_list"]["index"].as_u64().unwrap();

    let before = status_list(&server, &list_id).await;
    assert_eq!(before.id, list_id);
    assert!(!before.is_revoked(index(0)).unwrap());
    assert!(!before.is_revoked(index(1)).unwrap());

    let response = revoke(&server, listed[0]["id"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status_list_id"], list_id.as_str());

    let after = status_list(&server, &list_id).await;
    assert!(after.is_revoked(index(0)).unwrap());
    assert!(!after.is_revoked(index(1)).unwrap(), "only its own bit");
    assert!(!after.is_revoked(index(2)).unwrap());

    let now = licences(&server, &token).await;
    assert_eq!(now[0]["status"], "revoked");
    assert_eq!(now[1]["status"], "valid");
    // Revoking again changes nothing.
    assert_eq!(
        revoke(&server, listed[0]["id"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    assert!(
        status_list(&server, &list_id)
            .await
            .is_revoked(index(0))
            .unwrap()
    );
}

#[tokio::test]
async fn revoking_flips_the_bit_ed25519() {
    revoking_flips_the_bit(Suite::Ed25519).await;
}

#[tokio::test]
async fn revoking_flips_the_bit_sm2() {
    revoking_flips_the_bit(Suite::Sm2Sm3).await;
}

#[tokio::test]
async fn a_status_list_has_a_short_max_age_and_is_re_signed_as_it_ages() {
    let (server, _dir) = start(Suite::Ed25519).await;
    server.pause_clock();
    let (token, _) = holder(&server, PHONE).await;
    let listed = licences(&server, &token).await;
    let list_id = listed[0]["status_list"]["id"].as_str().unwrap().to_owned();

    let response = get_status_list(&server, &list_id).await;
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=300"
    );
    let first = status_list(&server, &list_id).await;
    assert_eq!(first.ttl_s, 300);

    // Within half its max-age the same signature is served ...
    server.advance_clock(std::time::Duration::from_secs(100));
    assert_eq!(
        status_list(&server, &list_id).await.issued_at_s,
        first.issued_at_s
    );
    // ... after it, a fresh one.
    server.advance_clock(std::time::Duration::from_secs(100));
    let later = status_list(&server, &list_id).await;
    assert!(later.issued_at_s >= first.issued_at_s + 200);
}

#[tokio::test]
async fn unknown_lists_and_licences_are_404() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let response = get_status_list(&server, "ed25519-99").await;
    common::assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    let response = revoke(&server, "lic_000000000000000000000000").await;
    common::assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}
