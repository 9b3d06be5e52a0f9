//! The dev routes: fault injection and request counting.

mod common;

use banshitong_server::TestServer;
use common::{assert_problem, catalog, client};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

async fn add_fault(server: &TestServer, fault: Value) -> reqwest::Response {
    client()
        .post(format!("{}/dev/faults", server.base_url()))
        .json(&fault)
        .send()
        .await
        .unwrap()
}

async fn request_count(server: &TestServer, prefix: &str) -> u64 {
    let body: Value = client()
        .get(format!("{}/dev/requests", server.base_url()))
        .query(&[("path_prefix", prefix)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["count"].as_u64().unwrap()
}

#[tokio::test]
async fn injected_503s_then_normal_service() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let created = add_fault(
        &server,
        json!({"path_prefix": "/api/v1/regions", "status": 503, "count": 2, "retry_after_secs": 1}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let echoed: Value = created.json().await.unwrap();
    assert_eq!(echoed["count"], 2);

    let url = format!("{}/api/v1/regions", server.base_url());
    for _ in 0..2 {
        let response = client().get(&url).send().await.unwrap();
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        assert_problem(
            response,
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
        )
        .await;
    }
    // Other paths were never affected.
    let health = client()
        .get(format!("{}/api/v1/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    let recovered = client().get(&url).send().await.unwrap();
    assert_eq!(recovered.status(), StatusCode::OK);
    assert!(!recovered.headers().contains_key(header::RETRY_AFTER));

    // Faulted attempts count, so a test can see how often a client retried.
    assert_eq!(request_count(&server, "/api/v1/regions").await, 3);
    assert_eq!(request_count(&server, "/api/v1/health").await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn injected_429_without_retry_after_and_default_count() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let created = add_fault(&server, json!({"path_prefix": "/api/v1/", "status": 429})).await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let url = format!("{}/api/v1/departments", server.base_url());
    let limited = client().get(&url).send().await.unwrap();
    assert!(!limited.headers().contains_key(header::RETRY_AFTER));
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "too-many-requests").await;
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn delete_clears_pending_faults_and_dev_routes_are_never_faulted() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let created = add_fault(
        &server,
        json!({"path_prefix": "/", "status": 500, "count": 100}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let url = format!("{}/api/v1/health", server.base_url());
    let failed = client().get(&url).send().await.unwrap();
    assert_problem(failed, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;

    let cleared = client()
        .delete(format!("{}/dev/faults", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn bad_fault_requests_are_problems() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for fault in [
        json!({"path_prefix": "api", "status": 503}),
        json!({"path_prefix": "/", "status": 200}),
        json!({"path_prefix": "/", "status": 418}),
        json!({"path_prefix": "/", "status": 503, "count": 0}),
        json!({"path_prefix": "/"}),
        json!({"path_prefix": "/", "status": 500, "body": "truncate"}),
        json!({"path_prefix": "/", "status": 503, "body": "malformed"}),
        json!({"path_prefix": "/", "body": "gzip"}),
        json!({"path_prefix": "/", "body": "truncate", "retry_after_secs": 1}),
    ] {
        let response = add_fault(&server, fault).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    // None of those was queued.
    let health = client()
        .get(format!("{}/api/v1/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let unknown_field = add_fault(
        &server,
        json!({"path_prefix": "/", "status": 503, "cuont": 2}),
    )
    .await;
    assert_problem(
        unknown_field,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;

    let not_json = client()
        .post(format!("{}/dev/faults", server.base_url()))
        .body("status=503")
        .send()
        .await
        .unwrap();
    assert_problem(
        not_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;

    let broken = client()
        .post(format!("{}/dev/faults", server.base_url()))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"path_prefix\":")
        .send()
        .await
        .unwrap();
    assert_problem(broken, StatusCode::BAD_REQUEST, "bad-request").await;

    let bad_prefix = client()
        .get(format!(
            "{}/dev/requests?path_prefix=api",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_problem(bad_prefix, StatusCode::BAD_REQUEST, "bad-request").await;
    server.shutdown().await;
}

async fn changes_page(server: &TestServer) -> reqwest::Response {
    client()
        .get(format!(
            "{}/api/v1/catalog/changes?limit=20",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn truncated_bodies_are_complete_200s_cut_in_half() {
    let (server, _dir) = catalog::start(50).await;
    let real = changes_page(&server).await.bytes().await.unwrap();
    assert!(serde_json::from_slice::<Value>(&real).is_ok());

    let created = add_fault(
        &server,
        json!({"path_prefix": "/api/v1/catalog/changes", "body": "truncate", "count": 2}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let echoed: Value = created.json().await.unwrap();
    assert_eq!(
        echoed,
        json!({"path_prefix": "/api/v1/catalog/changes", "status": 200, "count": 2, "body": "truncate"})
    );

    for _ in 0..2 {
        let response = changes_page(&server).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let length: usize = response.headers()[header::CONTENT_LENGTH]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        // The whole (short) body arrives: a cut-off answer, not a dropped connection.
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len(), length);
        assert_eq!(body.len(), real.len() / 2);
        assert!(real.starts_with(&body));
        assert!(serde_json::from_slice::<Value>(&body).is_err());
    }
    // Spent after `count`: the real page again.
    assert_eq!(changes_page(&server).await.bytes().await.unwrap(), real);
    assert_eq!(request_count(&server, "/api/v1/catalog/changes").await, 4);
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_are_valid_json_of_the_wrong_shape_in_fault_order() {
    let (server, _dir) = catalog::start(50).await;
    // An error fault and then a body fault on the same prefix fire in that order.
    for fault in [
        json!({"path_prefix": "/api/v1/catalog/", "status": 503}),
        json!({"path_prefix": "/api/v1/catalog/changes", "status": 200, "body": "malformed"}),
    ] {
        assert_eq!(
            add_fault(&server, fault).await.status(),
            StatusCode::CREATED
        );
    }

    assert_problem(
        changes_page(&server).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "service-unavailable",
    )
    .await;
    let malformed = changes_page(&server).await;
    assert_eq!(malformed.status(), StatusCode::OK);
    assert_eq!(
        malformed.headers()[header::CONTENT_TYPE],
        "application/json"
    );
    assert_eq!(
        malformed.json::<Value>().await.unwrap(),
        json!({"unexpected": true})
    );
    let real: Value = changes_page(&server).await.json().await.unwrap();
    assert!(real["upserts"].is_array());

    // Dev paths stay intact even under a catch-all body fault.
    let catch_all = add_fault(&server, json!({"path_prefix": "/", "body": "malformed"})).await;
    assert_eq!(catch_all.status(), StatusCode::CREATED);
    assert_eq!(request_count(&server, "/api/v1/catalog/changes").await, 3);
    server.shutdown().await;
}

#[tokio::test]
async fn without_dev_the_dev_routes_do_not_exist() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let base = server.base_url();
    let requests = [
        client()
            .post(format!("{base}/dev/faults"))
            .json(&json!({"path_prefix": "/", "status": 503})),
        client().delete(format!("{base}/dev/faults")),
        client().get(format!("{base}/dev/requests")),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    }
    // And nothing was injected.
    let health = client()
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    server.shutdown().await;
}
