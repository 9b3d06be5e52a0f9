//! Refresh-token rotation and reuse detection, access-token expiry, logout
//! and the Bearer checks of authenticated routes.

mod common;

use std::time::Duration;

use banshitong_server::{ServerConfig, TestServer};
use common::auth::*;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::json;

const PHONE: &str = "13800000000";

fn www_authenticate(response: &reqwest::Response) -> String {
    response.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_refresh_rotates_the_refresh_token() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sign_in(&server, PHONE).await;
    let second = assert_tokens(refresh(&server, refresh_token(&first)).await).await;
    assert_ne!(refresh_token(&second), refresh_token(&first));
    assert_ne!(access_token(&second), access_token(&first));
    assert_eq!(second["user_id"], first["user_id"]);
    assert_eq!(second["scope"], "profile");
    let third = assert_tokens(refresh(&server, refresh_token(&second)).await).await;

    // Earlier access tokens of the family stay valid until they expire.
    me(&server, access_token(&first)).await;
    me(&server, access_token(&third)).await;
    server.shutdown().await;
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_the_whole_sign_in() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sign_in(&server, PHONE).await;
    let second = assert_tokens(refresh(&server, refresh_token(&first)).await).await;
    let third = assert_tokens(refresh(&server, refresh_token(&second)).await).await;
    // Another sign-in of the same account, which must survive.
    let elsewhere = sign_in(&server, PHONE).await;

    // An attacker replays the first refresh token.
    let body = assert_oauth_error(
        refresh(&server, refresh_token(&first)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );

    // Every token of that family is dead: the newest refresh token…
    assert_oauth_error(
        refresh(&server, refresh_token(&third)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    // …and the access tokens, old and new.
    for tokens in [&first, &second, &third] {
        let response = get_me(&server, access_token(tokens)).await;
        assert_eq!(
            www_authenticate(&response),
            "Bearer error=\"invalid_token\""
        );
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }

    // The other sign-in is untouched.
    me(&server, access_token(&elsewhere)).await;
    assert_tokens(refresh(&server, refresh_token(&elsewhere)).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn racing_refreshes_with_one_token_revoke_the_sign_in() {
    // Why clients must refresh single-flight: the second use of a token is
    // indistinguishable from theft.
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let token = refresh_token(&tokens).to_owned();
    let url = format!("{}/api/v1/auth/token", server.base_url());
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (url, token) = (url.clone(), token.clone());
        attempts.spawn(async move {
            let form = [
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", token.as_str()),
            ];
            client()
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = attempts.join_all().await;
    let successes = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(successes, 1, "{statuses:?}");
    assert_eq!(
        get_me(&server, access_token(&tokens)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    server.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_live_thirty_days() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sign_in(&server, PHONE).await;
    server.advance_clock(Duration::from_secs(29 * 24 * 3600));
    let second = assert_tokens(refresh(&server, refresh_token(&first)).await).await;
    // Each new refresh token gets its own 30 days.
    server.advance_clock(Duration::from_secs(29 * 24 * 3600));
    let third = assert_tokens(refresh(&server, refresh_token(&second)).await).await;
    server.advance_clock(Duration::from_secs(30 * 24 * 3600));
    assert_oauth_error(
        refresh(&server, refresh_token(&third)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn access_tokens_expire_after_the_configured_ttl() {
    let data = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        access_token_ttl: Duration::from_secs(120),
        ..ServerConfig::new(data.path(), true)
    };
    let server = TestServer::start(config).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    assert_eq!(tokens["expires_in"], 120);
    server.advance_clock(Duration::from_secs(119));
    me(&server, access_token(&tokens)).await;
    server.advance_clock(Duration::from_secs(1));
    let expired = get_me(&server, access_token(&tokens)).await;
    assert_eq!(www_authenticate(&expired), "Bearer error=\"invalid_token\"");
    assert_problem(expired, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // The refresh token gets a new one.
    let renewed = assert_tokens(refresh(&server, refresh_token(&tokens)).await).await;
    me(&server, access_token(&renewed)).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_default_access_token_lives_ten_minutes() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    assert_eq!(tokens["expires_in"], 600);
    server.advance_clock(Duration::from_secs(599));
    me(&server, access_token(&tokens)).await;
    server.advance_clock(Duration::from_secs(1));
    assert_eq!(
        get_me(&server, access_token(&tokens)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    server.shutdown().await;
}

#[tokio::test]
async fn logout_revokes_the_sign_in() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sign_in(&server, PHONE).await;
    let second = assert_tokens(refresh(&server, refresh_token(&first)).await).await;
    let elsewhere = sign_in(&server, PHONE).await;

    let logout = client()
        .post(format!("{}/api/v1/auth/logout", server.base_url()))
        .bearer_auth(access_token(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);

    for tokens in [&first, &second] {
        assert_eq!(
            get_me(&server, access_token(tokens)).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_oauth_error(
        refresh(&server, refresh_token(&second)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    me(&server, access_token(&elsewhere)).await;

    // Logging out again with the dead token is a 401.
    let again = client()
        .post(format!("{}/api/v1/auth/logout", server.base_url()))
        .bearer_auth(access_token(&second))
        .send()
        .await
        .unwrap();
    assert_problem(again, StatusCode::UNAUTHORIZED, "unauthorized").await;
    server.shutdown().await;
}

#[tokio::test]
async fn bearer_checks() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let url = format!("{}/api/v1/me", server.base_url());

    let missing = client().get(&url).send().await.unwrap();
    assert_eq!(www_authenticate(&missing), "Bearer");
    assert_problem(missing, StatusCode::UNAUTHORIZED, "unauthorized").await;

    for authorization in [
        "Bearer nonsense",
        "Basic YmFuc2hpdG9uZy1hcHA6",
        "Bearer ",
        "nonsense",
    ] {
        let response = client()
            .get(&url)
            .header(header::AUTHORIZATION, authorization)
            .send()
            .await
            .unwrap();
        assert_eq!(
            www_authenticate(&response),
            "Bearer error=\"invalid_token\"",
            "{authorization}"
        );
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }

    // A refresh token is not an access token.
    let tokens = sign_in(&server, PHONE).await;
    assert_eq!(
        get_me(&server, refresh_token(&tokens)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The scheme is case-insensitive (RFC 7235).
    let lower = client()
        .get(&url)
        .header(
            header::AUTHORIZATION,
            format!("bearer {}", access_token(&tokens)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);

    for (method, path) in [
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/me/verification"),
        ("POST", "/api/v1/me/companies"),
        ("POST", "/api/v1/me/acting-as"),
        ("PUT", "/api/v1/me/password"),
    ] {
        let response = client()
            .request(
                method.parse().unwrap(),
                format!("{}{path}", server.base_url()),
            )
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn refresh_may_narrow_scope_but_not_widen_it() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    verify_by_face(&server, access_token(&tokens)).await;
    // Verified now, but this sign-in was granted `profile` only.
    assert_oauth_error(
        token_request(
            &server,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh_token(&tokens)),
                ("scope", "profile profile:full"),
            ],
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
    // The refused request did not use the token up.
    assert_tokens(refresh(&server, refresh_token(&tokens)).await).await;

    let full = sign_in_with_scope(&server, PHONE, "profile profile:full").await;
    assert_eq!(full["scope"], "profile profile:full");
    let narrowed = assert_tokens(
        token_request(
            &server,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh_token(&full)),
                ("scope", "profile"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(narrowed["scope"], "profile");
    assert_eq!(
        me(&server, access_token(&narrowed)).await["phone"],
        "138****0000"
    );
    // Without `scope` a refresh keeps the sign-in's scope.
    let kept = assert_tokens(refresh(&server, refresh_token(&narrowed)).await).await;
    assert_eq!(kept["scope"], "profile profile:full");
    server.shutdown().await;
}
