//! Presenting a licence and a verifier checking it at `POST /api/v1/verify`:
//! online tokens (valid many times until they expire by the server clock,
//! unknown, revoked) and offline presentations made on a device (valid,
//! replayed).

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use banshitong_trust::{SigningKey, Suite, present_offline, random_nonce};
use common::licences::{
    disclosable, holder, licences, present, reason_kinds, register_device, revoke, start, unbase64,
    verify,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "13800138000";

async fn token_for(
    server: &banshitong_server::TestServer,
    access_token: &str,
    licence_id: &str,
    disclose: &[&str],
) -> Value {
    let response = present(server, access_token, licence_id, disclose).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_online_token_shows_only_the_chosen_claims_until_it_expires() {
    let (server, _dir) = start(Suite::Ed25519).await;
    server.pause_clock();
    let (token, _) = holder(&server, PHONE).await;
    let id_card = &licences(&server, &token).await[0];
    let licence_id = id_card["id"].as_str().unwrap();

    let presentation = token_for(
        &server,
        &token,
        licence_id,
        &["name_masked", "id_number_masked"],
    )
    .await;
    let code = presentation["token"].as_str().unwrap();
    assert_eq!(code.len(), 20);
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    let qr_text = presentation["qr_text"].as_str().unwrap();
    assert_eq!(qr_text, format!("BST0:{code}"));

    for _ in 0..3 {
        let verdict = verify(&server, qr_text).await;
        assert_eq!(verdict["outcome"], "valid", "{verdict}");
        assert!(reason_kinds(&verdict).is_empty());
        assert_eq!(
            verdict["disclosed"],
            json!([
                {"name": "name_masked", "value": "张**"},
                {"name": "id_number_masked", "value": "1101**********002X"},
            ])
        );
        assert_eq!(verdict["licence"]["licence_id"], licence_id);
        assert_eq!(verdict["licence"]["licence_type"], "居民身份证");
        assert_eq!(verdict["licence"]["suite"], "ed25519");
        assert_eq!(verdict["expires_at_ms"], presentation["expires_at_ms"]);
    }
    let text = verify(&server, qr_text).await.to_string();
    assert!(
        !text.contains("11010519491231002X"),
        "the full ID number stays hidden"
    );

    server.advance_clock(Duration::from_secs(59));
    assert_eq!(verify(&server, qr_text).await["outcome"], "valid");
    server.advance_clock(Duration::from_secs(1));
    let verdict = verify(&server, qr_text).await;
    assert_eq!(verdict["outcome"], "invalid");
    assert_eq!(reason_kinds(&verdict), ["presentation_expired"]);
    assert_eq!(
        verdict["disclosed"],
        json!([]),
        "nothing shown once expired"
    );
}

#[tokio::test]
async fn unknown_tokens_and_garbage_get_a_clear_verdict() {
    let (server, _dir) = start(Suite::Ed25519).await;
    for (qr_text, kind) in [
        ("BST0:AAAAAAAAAAAAAAAAAAAA", "unknown_token"),
        ("BST0:SHORT", "unknown_token"),
        ("BST0:lower", "malformed"),
        ("hello", "malformed"),
        ("BST1:%%%", "malformed"),
        ("BST1:", "malformed"),
        ("", "malformed"),
    ] {
        let verdict = verify(&server, qr_text).await;
        assert_eq!(verdict["outcome"], "invalid", "{qr_text}: {verdict}");
        assert_eq!(reason_kinds(&verdict), [kind], "{qr_text}: {verdict}");
        assert_eq!(verdict["disclosed"], json!([]));
    }
    // Not JSON of the right shape is an error, not a verdict.
    let response = common::client()
        .post(format!("{}/api/v1/verify", server.base_url()))
        .json(&json!({"text": "BST0:X"}))
        .send()
        .await
        .unwrap();
    common::assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
}

#[tokio::test]
async fn a_revoked_licence_is_refused_online() {
    let (server, _dir) = start(Suite::Sm2Sm3).await;
    let (token, _) = holder(&server, PHONE).await;
    let licence_id = licences(&server, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let presentation = token_for(&server, &token, &licence_id, &["name"]).await;
    let qr_text = presentation["qr_text"].as_str().unwrap();
    assert_eq!(verify(&server, qr_text).await["outcome"], "valid");

    assert_eq!(revoke(&server, &licence_id).await.status(), StatusCode::OK);
    let verdict = verify(&server, qr_text).await;
    assert_eq!(verdict["outcome"], "invalid");
    assert_eq!(reason_kinds(&verdict), ["revoked"]);
    assert_eq!(verdict["licence"]["suite"], "sm2-sm3");
}

#[tokio::test]
async fn presentations_name_claims_the_licence_has() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let (token, _) = holder(&server, PHONE).await;
    let licence_id = licences(&server, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for disclose in [&[][..], &["salary"][..], &["name", "nickname"][..]] {
        let problem = common::assert_problem(
            present(&server, &token, &licence_id, disclose).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
        assert_eq!(problem["field"], "disclose");
    }
    common::assert_problem(
        present(&server, &token, "lic_000000000000000000000000", &["name"]).await,
        StatusCode::NOT_FOUND,
        "not-found",
    )
    .await;
}

fn wall_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// A device registers, the holder makes an offline QR from the licence
/// the server signed, and the server's verifier accepts it once.
async fn an_offline_presentation_verifies_once(suite: Suite) {
    let (server, _dir) = start(suite).await;
    let (token, _) = holder(&server, PHONE).await;
    let entry = &licences(&server, &token).await[0];
    let device = SigningKey::generate(suite);
    let registered: Value = register_device(&server, &token, device.verifying_key())
        .await
        .json()
        .await
        .unwrap();
    let qr_text = present_offline(
        &unbase64(entry["cose"].as_str().unwrap()),
        &disclosable(entry),
        &["name_masked", "birth_date"],
        &device,
        &unbase64(registered["certificate"].as_str().unwrap()),
        wall_ms(),
        random_nonce(),
    )
    .unwrap();
    assert!(qr_text.starts_with("BST1:"));

    let verdict = verify(&server, &qr_text).await;
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    assert_eq!(
        verdict["disclosed"],
        json!([
            {"name": "name_masked", "value": "张**"},
            {"name": "birth_date", "value": "1949-12-31"},
        ])
    );
    assert_eq!(verdict["device_id"], registered["device_id"]);

    let again = verify(&server, &qr_text).await;
    assert_eq!(again["outcome"], "invalid");
    assert!(
        reason_kinds(&again).contains(&"replayed".to_owned()),
        "{again}"
    );
}

#[tokio::test]
async fn an_ed25519_offline_presentation_verifies_once() {
    an_offline_presentation_verifies_once(Suite::Ed25519).await;
}

#[tokio::test]
async fn an_sm2_offline_presentation_verifies_once() {
    an_offline_presentation_verifies_once(Suite::Sm2Sm3).await;
}

#[tokio::test]
async fn a_revoked_licence_is_refused_offline() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let (token, _) = holder(&server, PHONE).await;
    let entry = licences(&server, &token).await[1].clone();
    let device = SigningKey::generate(Suite::Ed25519);
    let registered: Value = register_device(&server, &token, device.verifying_key())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        revoke(&server, entry["id"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    let qr_text = present_offline(
        &unbase64(entry["cose"].as_str().unwrap()),
        &disclosable(&entry),
        &["name"],
        &device,
        &unbase64(registered["certificate"].as_str().unwrap()),
        wall_ms(),
        random_nonce(),
    )
    .unwrap();
    let verdict = verify(&server, &qr_text).await;
    assert_eq!(verdict["outcome"], "invalid");
    assert_eq!(reason_kinds(&verdict), ["revoked"], "{verdict}");
}
