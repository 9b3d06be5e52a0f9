//! Helpers for the unified-identity tests: getting codes out of the dev SMS
//! outbox, calling the token endpoint, signing in, checking RFC 6749 errors.

use banshitong_server::TestServer;
use reqwest::{Response, StatusCode, header};
use serde_json::{Value, json};

use super::client;

pub const CLIENT_ID: &str = "banshitong-app";
pub const SMS_GRANT: &str = "urn:banshitong:params:oauth:grant-type:sms-code";
/// Passes GB 11643 (check character X); born 1949-12-31.
pub const ID_NUMBER: &str = "11010519491231002X";
/// Luhn-valid, not ending in 0000.
pub const GOOD_CARD: &str = "6222021234567890128";
/// Luhn-valid and ending in 0000: the simulated bank declines it.
pub const DECLINED_CARD: &str = "6222021234567820000";
pub const USCC: &str = "91350100M000100Y43";
pub const OTHER_USCC: &str = "91110000600037341L";

/// Asks for an SMS code and reads it from the dev outbox.
pub async fn sms_code(server: &TestServer, phone: &str) -> String {
    let sent = client()
        .post(format!("{}/api/v1/auth/sms-code", server.base_url()))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::ACCEPTED, "sending a code");
    last_code(server, phone)
        .await
        .expect("a code in the outbox")
}

/// The newest code in the dev outbox for `phone`.
pub async fn last_code(server: &TestServer, phone: &str) -> Option<String> {
    let outbox: Value = client()
        .get(format!("{}/dev/sms-outbox", server.base_url()))
        .query(&[("phone", phone)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    outbox["messages"]
        .as_array()
        .unwrap()
        .last()
        .map(|message| message["code"].as_str().unwrap().to_owned())
}

/// POSTs `params` form-encoded to the token endpoint.
pub async fn token_request(server: &TestServer, params: &[(&str, &str)]) -> Response {
    client()
        .post(format!("{}/api/v1/auth/token", server.base_url()))
        .form(params)
        .send()
        .await
        .unwrap()
}

/// Asserts a successful token response and returns its body.
pub async fn assert_tokens(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()[header::PRAGMA], "no-cache");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    for field in ["access_token", "refresh_token", "scope", "user_id"] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} in {body}"
        );
    }
    assert!(body["expires_in"].as_u64().is_some(), "{body}");
    body
}

/// Asserts an RFC 6749 §5.2 error: status, JSON (not problem+json),
/// `no-store`, `error` and a non-empty `error_description`. Returns the body.
pub async fn assert_oauth_error(response: Response, status: StatusCode, error: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()[header::PRAGMA], "no-cache");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "only error and error_description: {body}"
    );
    body
}

/// Signs in by SMS code (registering the number if new); returns the token
/// response.
pub async fn sign_in(server: &TestServer, phone: &str) -> Value {
    sign_in_with_scope(server, phone, "profile").await
}

pub async fn sign_in_with_scope(server: &TestServer, phone: &str, scope: &str) -> Value {
    // Codes go out once a minute per number; a test signing the same number
    // in again moves the clock past that.
    if last_code(server, phone).await.is_some() {
        server.advance_clock(std::time::Duration::from_secs(61));
    }
    let code = sms_code(server, phone).await;
    assert_tokens(
        token_request(
            server,
            &[
                ("grant_type", SMS_GRANT),
                ("client_id", CLIENT_ID),
                ("phone", phone),
                ("code", &code),
                ("scope", scope),
            ],
        )
        .await,
    )
    .await
}

pub fn access_token(tokens: &Value) -> &str {
    tokens["access_token"].as_str().unwrap()
}

pub fn refresh_token(tokens: &Value) -> &str {
    tokens["refresh_token"].as_str().unwrap()
}

pub async fn refresh(server: &TestServer, refresh_token: &str) -> Response {
    token_request(
        server,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

pub async fn get_me(server: &TestServer, access_token: &str) -> Response {
    client()
        .get(format!("{}/api/v1/me", server.base_url()))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

pub async fn me(server: &TestServer, access_token: &str) -> Value {
    let response = get_me(server, access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// POSTs JSON to an authenticated route.
pub async fn post_json(
    server: &TestServer,
    path: &str,
    access_token: &str,
    body: Value,
) -> Response {
    client()
        .post(format!("{}{path}", server.base_url()))
        .bearer_auth(access_token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Verifies the account by face as 张三丰 with [`ID_NUMBER`].
pub async fn verify_by_face(server: &TestServer, access_token: &str) {
    let response = post_json(
        server,
        "/api/v1/me/verification",
        access_token,
        json!({
            "method": "face",
            "name": "张三丰",
            "id_number": ID_NUMBER,
            "liveness_ticket": "live-ok-123",
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Sets the account's password.
pub async fn set_password(server: &TestServer, access_token: &str, password: &str) {
    let response = client()
        .put(format!("{}/api/v1/me/password", server.base_url()))
        .bearer_auth(access_token)
        .json(&json!({ "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// A password grant.
pub async fn password_grant(server: &TestServer, phone: &str, password: &str) -> Response {
    token_request(
        server,
        &[
            ("grant_type", "password"),
            ("client_id", CLIENT_ID),
            ("username", phone),
            ("password", password),
        ],
    )
    .await
}
