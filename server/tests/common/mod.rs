//! Helpers shared by the integration tests. Every test starts its own server
//! on a free loopback port, so tests run in parallel without coordination.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod applications;
pub mod auth;
pub mod catalog;
pub mod licences;
pub mod uploads;
pub mod workflow;

use reqwest::{Response, StatusCode, header};
use serde_json::Value;

pub const PROBLEM_BASE: &str = "https://banshitong.example/problems/";

/// A client that doesn't pick up proxy settings from the environment.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("building a reqwest client")
}

/// Asserts `response` is problem+json with `status` and type `slug`, and
/// that its body and header agree on the request id. Returns the body.
pub async fn assert_problem(response: Response, status: StatusCode, slug: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let header_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id header")
        .to_owned();
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["type"], format!("{PROBLEM_BASE}{slug}"));
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(body["request_id"], header_id.as_str());
    body
}
