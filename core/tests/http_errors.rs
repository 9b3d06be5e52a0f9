//! The HTTP layer against the real reference server: retries, typed errors, endpoint policy.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig, Error};
use common::*;

#[tokio::test]
async fn retries_a_503_after_retry_after_then_succeeds() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    inject_fault(&server, "/api/v1/regions", 503, 2, Some(1)).await;

    let started = Instant::now();
    let regions = t.client.regions().await.expect("third attempt succeeds");

    assert_eq!(regions.len(), 146);
    assert_eq!(requests_seen(&server, "/api/v1/regions").await, 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1 honoured twice"
    );
}

#[tokio::test]
async fn exhausted_retries_give_a_typed_error() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    inject_fault(&server, "/api/v1/health", 503, 10, Some(0)).await;

    let err = t.client.health().await.unwrap_err();

    match err {
        Error::Unavailable {
            status, attempts, ..
        } => {
            assert_eq!(status, 503);
            assert_eq!(attempts, 3);
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(requests_seen(&server, "/api/v1/health").await, 3);
}

#[tokio::test]
async fn too_many_requests_is_retried_too() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    inject_fault(&server, "/api/v1/health", 429, 1, Some(0)).await;

    let health = t.client.health().await.unwrap();

    assert_eq!(health.status, "ok");
    assert_eq!(requests_seen(&server, "/api/v1/health").await, 2);
}

#[tokio::test]
async fn connection_refused_is_offline() {
    // Bind then drop a listener: the port is known to have nobody behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = client_for(&format!("http://127.0.0.1:{port}"));

    let err = t.client.health().await.unwrap_err();

    assert!(matches!(err, Error::Offline { .. }), "got {err:?}");
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = ClientConfig::new("http://ynbst.example.cn", dir.path());

    let err = Client::new(config, Arc::new(MemorySecretStore::new()))
        .err()
        .expect("refused");

    assert!(matches!(err, Error::InvalidInput { .. }), "got {err:?}");
    assert!(err.to_string().contains("https"));
}

#[tokio::test]
async fn an_unknown_route_is_a_typed_not_found() {
    let server = dev_server().await;
    let response = reqwest::get(format!("{}/api/v1/no-such-thing", server.base_url()))
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: banshitong_core::http::Problem = response.json().await.unwrap();
    assert_eq!(problem.slug(), "not-found");
    assert!(problem.request_id.is_some());
}
