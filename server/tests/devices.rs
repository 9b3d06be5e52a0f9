//! Device registration: the certificate the issuer returns verifies with
//! the published keys and binds the device key to the user.

mod common;

use banshitong_trust::{DeviceCertificate, SigningKey, Suite};
use common::licences::{base64, holder, register_device, start, trusted_issuers, unbase64};
use reqwest::StatusCode;
use serde_json::json;

const PHONE: &str = "13800138000";

async fn a_registered_device_gets_a_certificate(issuer_suite: Suite, device_suite: Suite) {
    let (server, _dir) = start(issuer_suite).await;
    let (token, user_id) = holder(&server, PHONE).await;
    let device = SigningKey::generate(device_suite);
    let response = register_device(&server, &token, device.verifying_key()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    let device_id = body["device_id"].as_str().unwrap();
    assert!(device_id.starts_with("dev_"), "{device_id}");

    let issuers = trusted_issuers(&server).await;
    let verified =
        DeviceCertificate::verify(&unbase64(body["certificate"].as_str().unwrap()), &issuers)
            .unwrap();
    let certificate = verified.certificate;
    assert_eq!(certificate.device_id, device_id);
    assert_eq!(certificate.subject, user_id);
    assert_eq!(&certificate.device_key, device.verifying_key());
    let expires_at = body["expires_at"].as_str().unwrap();
    assert_eq!(
        expires_at.len(),
        "2027-01-01T00:00:00Z".len(),
        "{expires_at}"
    );
    assert!(expires_at.ends_with('Z'));
    assert!(certificate.expires_at_s > certificate.issued_at_s + 300 * 24 * 3600);
    assert!(!certificate.is_expired_at(certificate.issued_at_s * 1000));

    // A second device is a second registration.
    let again = register_device(
        &server,
        &token,
        SigningKey::generate(device_suite).verifying_key(),
    )
    .await;
    let again: serde_json::Value = again.json().await.unwrap();
    assert_ne!(again["device_id"], body["device_id"]);
}

#[tokio::test]
async fn ed25519_device_certified_by_ed25519() {
    a_registered_device_gets_a_certificate(Suite::Ed25519, Suite::Ed25519).await;
}

#[tokio::test]
async fn sm2_device_certified_by_sm2() {
    a_registered_device_gets_a_certificate(Suite::Sm2Sm3, Suite::Sm2Sm3).await;
}

#[tokio::test]
async fn bad_registrations_name_the_field() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let (token, _) = holder(&server, PHONE).await;
    let post =
        |body: serde_json::Value| common::auth::post_json(&server, "/api/v1/devices", &token, body);
    let key = base64(&[7; 32]);
    let cases = [
        (json!({"public_key": key, "suite": "rsa"}), "suite"),
        (
            json!({"public_key": "not base64!", "suite": "ed25519"}),
            "public_key",
        ),
        (
            json!({"public_key": base64(&[1; 31]), "suite": "ed25519"}),
            "public_key",
        ),
        (
            json!({"public_key": base64(&[4; 65]), "suite": "sm2-sm3"}),
            "public_key",
        ),
    ];
    for (body, field) in cases {
        let problem = common::assert_problem(
            post(body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
        assert_eq!(problem["field"], field, "{body}");
    }
    let response = common::client()
        .post(format!("{}/api/v1/devices", server.base_url()))
        .json(&json!({"public_key": key, "suite": "ed25519"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
