//! Helpers for the licence, trust and device tests: a dev server signing
//! with a chosen suite, a verified holder, the published keys and status
//! lists as a verifier would hold them.

use banshitong_server::{ServerConfig, TestServer};
use banshitong_trust::{
    ClaimValue, DisclosableClaims, KeyId, SALT_LEN, SaltedClaim, StatusList, Suite, TrustedIssuers,
    VerifyingKey,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Response;
use serde_json::{Value, json};

use super::auth::{post_json, verify_by_face};
use super::uploads::LONG_TOKENS;
use super::{applications, client};

/// A dev server signing licences with `suite`. Keep the directory alive
/// with it.
pub async fn start(suite: Suite) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(config(dir.path(), suite)).await.unwrap();
    (server, dir)
}

pub fn config(data_dir: &std::path::Path, suite: Suite) -> ServerConfig {
    ServerConfig {
        catalog_guides: 1,
        // Tests move the clock; the access token must outlive the jumps.
        access_token_ttl: LONG_TOKENS,
        licence_suite: suite,
        ..ServerConfig::new(data_dir, true)
    }
}

/// A real-name verified user (张三丰): (access token, user id).
pub async fn holder(server: &TestServer, phone: &str) -> (String, String) {
    let (token, user_id) = applications::user(server, phone).await;
    verify_by_face(server, &token).await;
    (token, user_id)
}

/// `GET /api/v1/me/licences`' list.
pub async fn licences(server: &TestServer, access_token: &str) -> Vec<Value> {
    applications::licences(server, access_token).await
}

pub fn unbase64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

pub fn base64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The issuer keys published at `/api/v1/trust/issuers`.
pub async fn trusted_issuers(server: &TestServer) -> TrustedIssuers {
    let body: Value = client()
        .get(format!("{}/api/v1/trust/issuers", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut issuers = TrustedIssuers::new();
    for issuer in body["issuers"].as_array().unwrap() {
        let suite: Suite = issuer["suite"].as_str().unwrap().parse().unwrap();
        let key =
            VerifyingKey::from_bytes(suite, &unbase64(issuer["public_key"].as_str().unwrap()))
                .unwrap();
        assert_eq!(
            KeyId::from_hex(issuer["kid"].as_str().unwrap()).unwrap(),
            key.kid()
        );
        issuers.add(key);
    }
    issuers
}

/// A licence's claims with their salts, as the holder keeps them.
pub fn disclosable(licence: &Value) -> DisclosableClaims {
    let claims = licence["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|claim| {
            let salt: [u8; SALT_LEN] = unbase64(claim["salt"].as_str().unwrap())
                .try_into()
                .unwrap();
            SaltedClaim {
                name: claim["name"].as_str().unwrap().to_owned(),
                value: serde_json::from_value::<ClaimValue>(claim["value"].clone()).unwrap(),
                salt,
            }
        })
        .collect();
    DisclosableClaims { claims }
}

/// `GET /api/v1/trust/status-lists/{id}`.
pub async fn get_status_list(server: &TestServer, id: &str) -> Response {
    client()
        .get(format!(
            "{}/api/v1/trust/status-lists/{id}",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
}

/// The status list `id`, its signature checked with the published keys.
pub async fn status_list(server: &TestServer, id: &str) -> StatusList {
    let response = get_status_list(server, id).await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let issuers = trusted_issuers(server).await;
    StatusList::verify(&unbase64(body["cose"].as_str().unwrap()), &issuers)
        .unwrap()
        .0
}

/// `POST /dev/licences/{id}/revoke`.
pub async fn revoke(server: &TestServer, licence_id: &str) -> Response {
    client()
        .post(format!(
            "{}/dev/licences/{licence_id}/revoke",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
}

/// `POST /api/v1/licences/{id}/presentations` showing `disclose`.
pub async fn present(
    server: &TestServer,
    access_token: &str,
    licence_id: &str,
    disclose: &[&str],
) -> Response {
    post_json(
        server,
        &format!("/api/v1/licences/{licence_id}/presentations"),
        access_token,
        json!({ "disclose": disclose }),
    )
    .await
}

/// `POST /api/v1/verify` with `qr_text`: the verdict.
pub async fn verify(server: &TestServer, qr_text: &str) -> Value {
    let response = client()
        .post(format!("{}/api/v1/verify", server.base_url()))
        .json(&json!({ "qr_text": qr_text }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    response.json().await.unwrap()
}

/// The kinds of a verdict's reasons.
pub fn reason_kinds(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// `POST /api/v1/devices` registering `key`.
pub async fn register_device(
    server: &TestServer,
    access_token: &str,
    key: &VerifyingKey,
) -> Response {
    post_json(
        server,
        "/api/v1/devices",
        access_token,
        json!({ "public_key": base64(&key.to_bytes()), "suite": key.suite().as_str() }),
    )
    .await
}
