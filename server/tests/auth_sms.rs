//! SMS codes: sending, pacing, wrong tries, expiry, and the SMS-code grant.

mod common;

use std::time::Duration;

use banshitong_server::TestServer;
use common::auth::*;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

const PHONE: &str = "13800000000";

async fn send(server: &TestServer, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}/api/v1/auth/sms-code", server.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn sms_grant(server: &TestServer, phone: &str, code: &str) -> reqwest::Response {
    token_request(
        server,
        &[
            ("grant_type", SMS_GRANT),
            ("client_id", CLIENT_ID),
            ("phone", phone),
            ("code", code),
        ],
    )
    .await
}

/// A six-digit code that differs from `code`.
fn wrong(code: &str) -> String {
    let first = if code.starts_with('0') { '1' } else { '0' };
    format!("{first}{}", &code[1..])
}

#[tokio::test]
async fn sending_a_code_answers_202_and_lands_in_the_outbox() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let response = send(&server, json!({"phone": PHONE})).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"expires_in": 300, "resend_after": 60}));

    let outbox: Value = client()
        .get(format!("{}/dev/sms-outbox", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = outbox["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["phone"], PHONE);
    let code = messages[0]["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert!(messages[0]["sent_at_ms"].as_i64().unwrap() > 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_bad_phone_is_422_naming_the_field() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for body in [
        json!({"phone": "12800000000"}),
        json!({"phone": "1380000000"}),
        json!({"phone": "+8613800000000"}),
        json!({"phone": ""}),
        json!({}),
    ] {
        let response = send(&server, body.clone()).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
        assert_eq!(problem["field"], "phone", "{body}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn one_code_per_number_per_minute() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sms_code(&server, PHONE).await;

    let again = send(&server, json!({"phone": PHONE})).await;
    let retry_after: u64 = again.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(again, StatusCode::TOO_MANY_REQUESTS, "too-many-requests").await;

    // Another number is not held up.
    assert_eq!(
        send(&server, json!({"phone": "13900000000"}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );

    server.advance_clock(Duration::from_secs(60));
    let second = sms_code(&server, PHONE).await;
    // The new code replaces the old one (and is almost surely different).
    let outbox_len = {
        let outbox: Value = client()
            .get(format!(
                "{}/dev/sms-outbox?phone={PHONE}",
                server.base_url()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        outbox["messages"].as_array().unwrap().len()
    };
    assert_eq!(outbox_len, 2);
    if first != second {
        assert_oauth_error(
            sms_grant(&server, PHONE, &first).await,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        )
        .await;
    }
    assert_tokens(sms_grant(&server, PHONE, &second).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_sms_grant_registers_a_new_number() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    let tokens = assert_tokens(sms_grant(&server, PHONE, &code).await).await;
    assert_eq!(tokens["scope"], "profile");
    assert_eq!(tokens["expires_in"], 600);
    let user_id = tokens["user_id"].as_str().unwrap();
    assert!(
        user_id.starts_with("u_") && user_id.len() == 18,
        "{user_id}"
    );

    let profile = me(&server, access_token(&tokens)).await;
    assert_eq!(profile["user_id"], user_id);
    assert_eq!(profile["tier"], "registered");
    assert_eq!(profile["phone"], "138****0000");

    // Signing in again finds the same account.
    let again = sign_in(&server, PHONE).await;
    assert_eq!(again["user_id"], user_id);
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_works_once() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    assert_tokens(sms_grant(&server, PHONE, &code).await).await;
    assert_oauth_error(
        sms_grant(&server, PHONE, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn five_wrong_tries_kill_the_code() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    for _ in 0..5 {
        assert_oauth_error(
            sms_grant(&server, PHONE, &wrong(&code)).await,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        )
        .await;
    }
    // The right code is now refused too.
    let body = assert_oauth_error(
        sms_grant(&server, PHONE, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("new one")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn four_wrong_tries_leave_the_code_usable() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    for _ in 0..4 {
        assert_oauth_error(
            sms_grant(&server, PHONE, &wrong(&code)).await,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        )
        .await;
    }
    assert_tokens(sms_grant(&server, PHONE, &code).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn codes_expire_after_five_minutes() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    server.advance_clock(Duration::from_secs(300));
    assert_oauth_error(
        sms_grant(&server, PHONE, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;

    let fresh = sms_code(&server, PHONE).await;
    server.advance_clock(Duration::from_secs(299));
    assert_tokens(sms_grant(&server, PHONE, &fresh).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_grant_checks_its_parameters() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    // No code was ever sent to this number.
    assert_oauth_error(
        sms_grant(&server, PHONE, "123456").await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert_oauth_error(
        sms_grant(&server, "12345", "123456").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_oauth_error(
        token_request(
            &server,
            &[
                ("grant_type", SMS_GRANT),
                ("client_id", CLIENT_ID),
                ("phone", PHONE),
            ],
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn without_dev_codes_are_sent_but_no_outbox_exists() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    assert_eq!(
        send(&server, json!({"phone": PHONE})).await.status(),
        StatusCode::ACCEPTED
    );
    let outbox = client()
        .get(format!("{}/dev/sms-outbox", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(outbox, StatusCode::NOT_FOUND, "not-found").await;
    server.shutdown().await;
}
