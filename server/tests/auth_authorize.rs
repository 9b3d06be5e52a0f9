//! The simulated identity provider (`GET /oauth/authorize`) and the
//! authorization_code grant with PKCE S256.

mod common;

use std::time::Duration;

use banshitong_server::TestServer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::assert_problem;
use common::auth::*;
use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};

const PHONE: &str = "13800000000";
const REDIRECT: &str = "banshitong://oauth/callback";
/// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn authorize(server: &TestServer, params: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .get(format!("{}/oauth/authorize", server.base_url()))
        .query(params)
        .send()
        .await
        .unwrap()
}

fn standard_params<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("state", "xyz-123"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("login_hint", PHONE),
    ]
}

/// The query of the 302's Location, as pairs.
fn redirect_query(response: &reqwest::Response) -> (String, Vec<(String, String)>) {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    let base = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    );
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (base, pairs)
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn code_for(server: &TestServer, params: &[(&str, &str)]) -> String {
    let response = authorize(server, params).await;
    let (_, pairs) = redirect_query(&response);
    param(&pairs, "code").expect("a code").to_owned()
}

async fn exchange(
    server: &TestServer,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> reqwest::Response {
    token_request(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn authorize_redirects_with_code_and_state_then_the_code_signs_in() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let response = authorize(&server, &standard_params()).await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let (base, pairs) = redirect_query(&response);
    assert_eq!(base, "banshitong://oauth/callback");
    assert_eq!(param(&pairs, "state"), Some("xyz-123"));
    let code = param(&pairs, "code").unwrap();
    assert_eq!(code.len(), 43);

    let tokens = assert_tokens(exchange(&server, code, REDIRECT, VERIFIER).await).await;
    assert_eq!(tokens["scope"], "profile");
    // The provider registered the new number.
    let profile = me(&server, access_token(&tokens)).await;
    assert_eq!(profile["tier"], "registered");
    assert_eq!(profile["phone"], "138****0000");
    // And the sign-in refreshes like any other.
    assert_tokens(refresh(&server, refresh_token(&tokens)).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_challenge_computed_by_the_client_works_and_loopback_redirects_keep_their_query() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let verifier = "a-verifier-of-enough-length-0123456789-abcdefghijk";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:53124/cb?session=7";
    let mut params = standard_params();
    params.retain(|(k, _)| !matches!(*k, "code_challenge" | "redirect_uri" | "state"));
    params.push(("code_challenge", &challenge));
    params.push(("redirect_uri", redirect));
    let response = authorize(&server, &params).await;
    let (base, pairs) = redirect_query(&response);
    assert_eq!(base, "http://127.0.0.1/cb");
    assert_eq!(param(&pairs, "session"), Some("7"));
    assert_eq!(param(&pairs, "state"), None, "no state was sent");
    let code = param(&pairs, "code").unwrap();
    assert_tokens(exchange(&server, code, redirect, verifier).await).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_and_uses_the_code_up() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = code_for(&server, &standard_params()).await;
    let wrong = "x".repeat(43);
    let body = assert_oauth_error(
        exchange(&server, &code, REDIRECT, &wrong).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier")
    );
    assert_oauth_error(
        exchange(&server, &code, REDIRECT, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    // A malformed verifier is a malformed request.
    let code = code_for(&server, &standard_params()).await;
    assert_oauth_error(
        exchange(&server, &code, REDIRECT, "short").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_its_sign_in() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = code_for(&server, &standard_params()).await;
    let tokens = assert_tokens(exchange(&server, &code, REDIRECT, VERIFIER).await).await;
    assert_oauth_error(
        exchange(&server, &code, REDIRECT, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    assert_eq!(
        get_me(&server, access_token(&tokens)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_oauth_error(
        refresh(&server, refresh_token(&tokens)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_redirect_uri_must_match() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = code_for(&server, &standard_params()).await;
    assert_oauth_error(
        exchange(&server, &code, "banshitong://oauth/other", VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn codes_live_sixty_seconds() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let code = code_for(&server, &standard_params()).await;
    server.advance_clock(Duration::from_secs(60));
    assert_oauth_error(
        exchange(&server, &code, REDIRECT, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_bad_client_or_redirect_uri_is_400_without_redirect() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let with = |name: &'static str, value: Option<&'static str>| {
        let mut params = standard_params();
        params.retain(|(k, _)| *k != name);
        if let Some(value) = value {
            params.push((name, value));
        }
        params
    };
    for params in [
        with("client_id", None),
        with("client_id", Some("someone-else")),
        with("redirect_uri", None),
        with("redirect_uri", Some("https://evil.example/cb")),
        with("redirect_uri", Some("http://localhost.evil.example/cb")),
        with("redirect_uri", Some("banshitong://cb#fragment")),
    ] {
        let response = authorize(&server, &params).await;
        assert!(response.headers().get(header::LOCATION).is_none());
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    let mut twice = standard_params();
    twice.push(("redirect_uri", "banshitong://other"));
    assert_problem(
        authorize(&server, &twice).await,
        StatusCode::BAD_REQUEST,
        "bad-request",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn other_errors_redirect_with_error_and_state() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let cases: [(&str, Option<&str>, &str); 8] = [
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge", Some("too-short"), "invalid_request"),
        ("response_type", Some("token"), "unsupported_response_type"),
        ("response_type", None, "invalid_request"),
        ("login_hint", Some("not-a-phone"), "invalid_request"),
        ("login_hint", None, "invalid_request"),
    ];
    for (name, value, error) in cases {
        let mut params = standard_params();
        params.retain(|(k, _)| *k != name);
        if let Some(value) = value {
            params.push((name, value));
        }
        let response = authorize(&server, &params).await;
        let (base, pairs) = redirect_query(&response);
        assert_eq!(base, "banshitong://oauth/callback");
        assert_eq!(param(&pairs, "error"), Some(error), "{name}={value:?}");
        assert!(param(&pairs, "error_description").is_some());
        assert_eq!(param(&pairs, "state"), Some("xyz-123"));
        assert_eq!(param(&pairs, "code"), None);
    }
    let mut params = standard_params();
    params.push(("scope", "admin"));
    let (_, pairs) = redirect_query(&authorize(&server, &params).await);
    assert_eq!(param(&pairs, "error"), Some("invalid_scope"));
    server.shutdown().await;
}

#[tokio::test]
async fn full_profile_through_the_provider_needs_verification() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let mut params = standard_params();
    params.push(("scope", "profile profile:full"));
    let code = code_for(&server, &params).await;
    assert_oauth_error(
        exchange(&server, &code, REDIRECT, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;

    let tokens = sign_in(&server, PHONE).await;
    verify_by_face(&server, access_token(&tokens)).await;
    let code = code_for(&server, &params).await;
    let full = assert_tokens(exchange(&server, &code, REDIRECT, VERIFIER).await).await;
    assert_eq!(full["scope"], "profile profile:full");
    assert_eq!(me(&server, access_token(&full)).await["phone"], PHONE);
    server.shutdown().await;
}
