//! The error format and request ids, which every route shares.

mod common;

use banshitong_server::TestServer;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};

#[tokio::test]
async fn unknown_route_is_a_problem_404() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    for path in ["/api/v1/nope", "/", "/api/v2/health", "/api/v1/health/"] {
        let response = client()
            .get(format!("{}{path}", server.base_url()))
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
        assert!(body["detail"].as_str().unwrap().contains(path), "{body}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_method_is_a_problem_405_with_allow() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let response = client()
        .delete(format!("{}/api/v1/regions", server.base_url()))
        .send()
        .await
        .unwrap();
    let allow = response.headers()[header::ALLOW]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(allow, "GET, HEAD");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let url = format!("{}/api/v1/health", server.base_url());

    let first = client().get(&url).send().await.unwrap();
    let second = client().get(&url).send().await.unwrap();
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(first.status(), StatusCode::OK);
    assert!(uuid_like(&id(&first)), "{}", id(&first));
    assert_ne!(id(&first), id(&second));

    // A sane id from the client is kept, so both sides log the same one.
    let echoed = client()
        .get(&url)
        .header("x-request-id", "app-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(id(&echoed), "app-7f3a.42");

    // One that could forge log lines is replaced.
    let replaced = client()
        .get(&url)
        .header("x-request-id", "evil id\tinjected")
        .send()
        .await
        .unwrap();
    assert!(uuid_like(&id(&replaced)));

    // Errors carry the caller's id in the body too.
    let problem = client()
        .get(format!("{}/nowhere", server.base_url()))
        .header("x-request-id", "trace-1")
        .send()
        .await
        .unwrap();
    let body = assert_problem(problem, StatusCode::NOT_FOUND, "not-found").await;
    assert_eq!(body["request_id"], "trace-1");
    server.shutdown().await;
}

#[tokio::test]
async fn health_reports_ok_and_version() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let body: serde_json::Value = client()
        .get(format!("{}/api/v1/health", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "version": "0.1.0"})
    );
    server.shutdown().await;
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}
