//! The password grant: setting a password, identical answers for unknown
//! numbers and wrong passwords, backoff and lockout.

mod common;

use std::time::Duration;

use banshitong_server::TestServer;
use common::auth::*;
use common::{assert_problem, client};
use reqwest::{Response, StatusCode, header};
use serde_json::{Value, json};

const PHONE: &str = "13800000000";
const UNKNOWN: &str = "13900000000";
const PASSWORD: &str = "correct horse battery";

/// A server where PHONE has PASSWORD.
async fn server_with_password() -> TestServer {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    // Backoff windows are a second long; only advance_clock moves time here.
    server.pause_clock();
    let tokens = sign_in(&server, PHONE).await;
    set_password(&server, access_token(&tokens), PASSWORD).await;
    server
}

fn retry_after(response: &Response) -> Option<u64> {
    response
        .headers()
        .get(header::RETRY_AFTER)
        .map(|value| value.to_str().unwrap().parse().unwrap())
}

/// Status, the headers a client could tell apart by, and the body.
async fn observable(response: Response) -> (StatusCode, Vec<(String, String)>, Value) {
    let status = response.status();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, response.json().await.unwrap())
}

#[tokio::test]
async fn the_right_password_signs_in() {
    let server = server_with_password().await;
    let tokens = assert_tokens(password_grant(&server, PHONE, PASSWORD).await).await;
    assert_eq!(tokens["scope"], "profile");
    assert_eq!(
        me(&server, access_token(&tokens)).await["tier"],
        "registered"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_number_and_wrong_password_answer_identically() {
    let server = server_with_password().await;
    // A registered number without a password, too.
    sign_in(&server, "13700000000").await;
    let wrong = observable(password_grant(&server, PHONE, "wrong password").await).await;
    let unknown = observable(password_grant(&server, UNKNOWN, "wrong password").await).await;
    let no_password =
        observable(password_grant(&server, "13700000000", "wrong password").await).await;
    assert_eq!(wrong.0, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.2["error"], "invalid_grant");
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, no_password);
    // A username that isn't even a phone number gets the same answer.
    let not_a_phone = observable(password_grant(&server, "admin", "wrong password").await).await;
    assert_eq!(wrong, not_a_phone);

    // And the throttle treats them the same: 3 failures each, then backoff.
    for phone in [PHONE, UNKNOWN] {
        password_grant(&server, phone, "wrong").await;
        password_grant(&server, phone, "wrong").await;
    }
    let throttled_known = observable(password_grant(&server, PHONE, "wrong").await).await;
    let throttled_unknown = observable(password_grant(&server, UNKNOWN, "wrong").await).await;
    assert_eq!(throttled_known, throttled_unknown);
    assert!(
        throttled_known
            .1
            .iter()
            .any(|(name, _)| name == "retry-after")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn failures_back_off_after_three() {
    let server = server_with_password().await;
    for _ in 0..3 {
        let response = password_grant(&server, PHONE, "wrong").await;
        assert_eq!(retry_after(&response), None);
        assert_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    // Within 1 s of the 3rd failure: refused unchecked, even the right password.
    let throttled = password_grant(&server, PHONE, PASSWORD).await;
    assert_eq!(retry_after(&throttled), Some(1));
    let body = assert_oauth_error(throttled, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("Too many attempts")
    );

    // After the window a wrong password is checked (4th failure) and the
    // next window is 2 s.
    server.advance_clock(Duration::from_secs(1));
    let fourth = password_grant(&server, PHONE, "wrong").await;
    assert_eq!(retry_after(&fourth), None);
    let answer = assert_oauth_error(fourth, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(
        !answer["error_description"]
            .as_str()
            .unwrap()
            .contains("Too many")
    );
    assert_eq!(
        retry_after(&password_grant(&server, PHONE, PASSWORD).await),
        Some(2)
    );
    server.advance_clock(Duration::from_secs(1));
    assert_eq!(
        retry_after(&password_grant(&server, PHONE, PASSWORD).await),
        Some(1)
    );

    // After the window, the right password works and resets the count.
    server.advance_clock(Duration::from_secs(1));
    assert_tokens(password_grant(&server, PHONE, PASSWORD).await).await;
    for _ in 0..3 {
        let response = password_grant(&server, PHONE, "wrong").await;
        assert_eq!(retry_after(&response), None, "the count started over");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn ten_failures_lock_password_sign_in_for_fifteen_minutes() {
    let server = server_with_password().await;
    let mut window = 0;
    for failure in 1..=10 {
        // Wait out each backoff window, as a patient attacker would.
        server.advance_clock(Duration::from_secs(window));
        let response = password_grant(&server, PHONE, "wrong").await;
        assert_eq!(
            retry_after(&response),
            None,
            "failure {failure} was checked"
        );
        window = if failure >= 3 { 1 << (failure - 3) } else { 0 };
    }

    let locked = password_grant(&server, PHONE, PASSWORD).await;
    assert_eq!(retry_after(&locked), Some(900));
    let body = assert_oauth_error(locked, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("locked")
    );

    server.advance_clock(Duration::from_secs(899));
    assert_eq!(
        retry_after(&password_grant(&server, PHONE, PASSWORD).await),
        Some(1)
    );

    // SMS sign-in still works during the lock.
    sign_in(&server, PHONE).await;

    server.advance_clock(Duration::from_secs(1));
    assert_tokens(password_grant(&server, PHONE, PASSWORD).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sign_ins() {
    let server = server_with_password().await;
    let this = assert_tokens(password_grant(&server, PHONE, PASSWORD).await).await;
    let other = sign_in(&server, PHONE).await;

    let change = |body: Value| {
        let url = format!("{}/api/v1/me/password", server.base_url());
        let token = access_token(&this).to_owned();
        async move {
            client()
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    for (body, field) in [
        (json!({"password": "a new password"}), "current_password"),
        (
            json!({"password": "a new password", "current_password": "wrong"}),
            "current_password",
        ),
        (
            json!({"password": "short", "current_password": PASSWORD}),
            "password",
        ),
        (
            json!({"password": "x".repeat(129), "current_password": PASSWORD}),
            "password",
        ),
    ] {
        let problem = assert_problem(
            change(body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
        assert_eq!(problem["field"], field);
    }
    let changed = change(json!({"password": "a new password", "current_password": PASSWORD})).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    // This sign-in goes on; the other one has ended.
    me(&server, access_token(&this)).await;
    assert_eq!(
        get_me(&server, access_token(&other)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_oauth_error(
        refresh(&server, refresh_token(&other)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;

    assert_oauth_error(
        password_grant(&server, PHONE, PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert_tokens(password_grant(&server, PHONE, "a new password").await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_grant_needs_username_and_password() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for params in [
        vec![
            ("grant_type", "password"),
            ("client_id", CLIENT_ID),
            ("username", PHONE),
        ],
        vec![
            ("grant_type", "password"),
            ("client_id", CLIENT_ID),
            ("password", "x"),
        ],
        vec![
            ("grant_type", "password"),
            ("client_id", CLIENT_ID),
            ("username", PHONE),
            ("password", ""),
        ],
    ] {
        assert_oauth_error(
            token_request(&server, &params).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    server.shutdown().await;
}
