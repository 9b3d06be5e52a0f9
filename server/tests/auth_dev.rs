//! The dev-only identity routes: SMS outbox, token-endpoint statistics and
//! forced access-token expiry; and their absence without dev.

mod common;

use banshitong_server::TestServer;
use common::auth::*;
use common::{assert_problem, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn stats(server: &TestServer) -> Value {
    client()
        .get(format!("{}/dev/auth-stats", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn expire(server: &TestServer, body: Option<Value>) -> reqwest::Response {
    let request = client().post(format!(
        "{}/dev/auth/expire-access-tokens",
        server.base_url()
    ));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn auth_stats_count_token_requests_and_refresh_grants() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    assert_eq!(
        stats(&server).await,
        json!({"token_requests": 0, "refresh_grants": 0})
    );
    let tokens = sign_in(&server, "13800000000").await;
    let renewed = assert_tokens(refresh(&server, refresh_token(&tokens)).await).await;
    // Failed calls count too.
    refresh(&server, "not-a-token").await;
    token_request(&server, &[("grant_type", "password")]).await;
    assert_tokens(refresh(&server, refresh_token(&renewed)).await).await;
    assert_eq!(
        stats(&server).await,
        json!({"token_requests": 5, "refresh_grants": 3})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn expiring_access_tokens_forces_a_refresh() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let alice = sign_in(&server, "13800000000").await;
    let bob = sign_in(&server, "13900000000").await;

    // Only one user's tokens.
    let response = expire(&server, Some(json!({"user_id": alice["user_id"]}))).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get_me(&server, access_token(&alice)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    me(&server, access_token(&bob)).await;
    let alice = assert_tokens(refresh(&server, refresh_token(&alice)).await).await;
    me(&server, access_token(&alice)).await;

    // Everyone's, with no body.
    assert_eq!(expire(&server, None).await.status(), StatusCode::NO_CONTENT);
    for tokens in [&alice, &bob] {
        assert_eq!(
            get_me(&server, access_token(tokens)).await.status(),
            StatusCode::UNAUTHORIZED
        );
        // Refresh tokens are untouched.
        assert_tokens(refresh(&server, refresh_token(tokens)).await).await;
    }

    let bad = expire(&server, Some(json!({"user": "x"}))).await;
    assert_problem(bad, StatusCode::BAD_REQUEST, "bad-request").await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_outbox_filters_by_phone_and_lists_newest_last() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sms_code(&server, "13800000000").await;
    sms_code(&server, "13900000000").await;
    server.advance_clock(std::time::Duration::from_secs(60));
    let second = sms_code(&server, "13800000000").await;
    let outbox: Value = client()
        .get(format!(
            "{}/dev/sms-outbox?phone=13800000000",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = outbox["messages"].as_array().unwrap();
    let codes: Vec<&str> = messages
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [first.as_str(), second.as_str()]);
    assert!(messages[0]["sent_at_ms"].as_i64() < messages[1]["sent_at_ms"].as_i64());
    let all: Value = client()
        .get(format!("{}/dev/sms-outbox", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["messages"].as_array().unwrap().len(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn without_dev_the_identity_dev_routes_do_not_exist() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let base = server.base_url();
    for request in [
        client().get(format!("{base}/dev/sms-outbox")),
        client().get(format!("{base}/dev/auth-stats")),
        client().post(format!("{base}/dev/auth/expire-access-tokens")),
    ] {
        let response = request.send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    }
    server.shutdown().await;
}
