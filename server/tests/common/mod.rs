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

/// Every page of the change feed at `path` (`/api/v1/.../changes`) from
/// `cursor` to the end, `limit` a page, as `token` (if any) sees it; each
/// page must be 200. The last one has `has_more: false`.
pub async fn feed_pages(
    server: &banshitong_server::TestServer,
    path: &str,
    token: Option<&str>,
    cursor: &str,
    limit: usize,
) -> Vec<Value> {
    let (mut pages, mut cursor) = (Vec::new(), cursor.to_owned());
    loop {
        let mut request = client()
            .get(format!("{}{path}", server.base_url()))
            .query(&[("cursor", cursor.as_str()), ("limit", &limit.to_string())]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        let more = page["has_more"].as_bool().unwrap();
        pages.push(page);
        if !more {
            return pages;
        }
    }
}

/// The strings of the array `page[key]`, for every page.
pub fn strings_in(pages: &[Value], key: &str) -> Vec<String> {
    pages
        .iter()
        .flat_map(|page| page[key].as_array().unwrap().iter())
        .map(|value| value.as_str().unwrap().to_owned())
        .collect()
}

/// The objects of the array `page[key]`, for every page.
pub fn values_in(pages: &[Value], key: &str) -> Vec<Value> {
    pages
        .iter()
        .flat_map(|page| page[key].as_array().unwrap().iter().cloned())
        .collect()
}

/// The `next_cursor` of the last page.
pub fn last_cursor(pages: &[Value]) -> String {
    pages.last().unwrap()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned()
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
