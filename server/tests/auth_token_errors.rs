//! The token endpoint's RFC 6749 §5.2 error responses: status, JSON (never
//! problem+json), `error` + `error_description`, `Cache-Control: no-store`.

mod common;

use banshitong_server::TestServer;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::auth::*;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};

const PHONE: &str = "13800000000";

fn url(server: &TestServer) -> String {
    format!("{}/api/v1/auth/token", server.base_url())
}

#[tokio::test]
async fn unknown_or_missing_client_is_401_invalid_client() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for params in [
        vec![("grant_type", "refresh_token"), ("refresh_token", "x")],
        vec![
            ("grant_type", "refresh_token"),
            ("client_id", "someone-else"),
            ("refresh_token", "x"),
        ],
    ] {
        let response = token_request(&server, &params).await;
        assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
        assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    }
    // HTTP Basic with a secret: the app is a public client and has none.
    let response = client()
        .post(url(&server))
        .header(
            header::AUTHORIZATION,
            format!("Basic {}", STANDARD.encode("banshitong-app:secret")),
        )
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    server.shutdown().await;
}

#[tokio::test]
async fn basic_authentication_with_an_empty_secret_names_the_client() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = sms_code(&server, PHONE).await;
    let response = client()
        .post(url(&server))
        .basic_auth(CLIENT_ID, Some(""))
        .form(&[("grant_type", SMS_GRANT), ("phone", PHONE), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_tokens(response).await;
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_requests_are_invalid_request() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    // Missing grant_type.
    assert_oauth_error(
        token_request(&server, &[("client_id", CLIENT_ID)]).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    // A parameter twice.
    assert_oauth_error(
        token_request(
            &server,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", "a"),
                ("refresh_token", "b"),
            ],
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    // JSON instead of a form.
    let json = client()
        .post(url(&server))
        .json(&serde_json::json!({"grant_type": "password", "client_id": CLIENT_ID}))
        .send()
        .await
        .unwrap();
    assert_oauth_error(json, StatusCode::BAD_REQUEST, "invalid_request").await;
    // No body at all.
    let empty = client().post(url(&server)).send().await.unwrap();
    assert_oauth_error(empty, StatusCode::BAD_REQUEST, "invalid_request").await;
    // A required parameter of the grant missing.
    assert_oauth_error(
        token_request(
            &server,
            &[("grant_type", "refresh_token"), ("client_id", CLIENT_ID)],
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_grant_type_is_unsupported_grant_type() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for grant in [
        "client_credentials",
        "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
    ] {
        assert_oauth_error(
            token_request(&server, &[("grant_type", grant), ("client_id", CLIENT_ID)]).await,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        )
        .await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn scopes_are_checked() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    // An unknown scope.
    let code = sms_code(&server, PHONE).await;
    let params = [
        ("grant_type", SMS_GRANT),
        ("client_id", CLIENT_ID),
        ("phone", PHONE),
        ("code", code.as_str()),
    ];
    let with_scope = |scope: &'static str| {
        let mut params = params.to_vec();
        params.push(("scope", scope));
        params
    };
    assert_oauth_error(
        token_request(&server, &with_scope("admin")).await,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
    // profile:full for an account that isn't verified.
    assert_oauth_error(
        token_request(&server, &with_scope("profile profile:full")).await,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
    // The code survived both refusals.
    let tokens = assert_tokens(token_request(&server, &with_scope("profile")).await).await;
    assert_eq!(tokens["scope"], "profile");
    server.shutdown().await;
}

#[tokio::test]
async fn errors_carry_no_token_and_successes_are_not_cached() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let response = password_grant(&server, PHONE, "whatever").await;
    let body = assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(body.get("access_token").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn other_methods_are_problem_405() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let response = client().get(url(&server)).send().await.unwrap();
    assert_eq!(response.headers()[header::ALLOW], "POST");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
    )
    .await;
    server.shutdown().await;
}
