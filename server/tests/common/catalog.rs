//! Helpers for the catalog tests: a server with a chosen number of guides,
//! paging through the change feed, and the dev mutation.

use std::collections::BTreeSet;

use banshitong_server::{ServerConfig, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{client, feed_pages, last_cursor, strings_in, values_in};

/// A dev server whose fresh database gets `guides` generated guides. Keep
/// the directory alive as long as the server.
pub async fn start(guides: usize) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        catalog_guides: guides,
        ..ServerConfig::new(dir.path(), true)
    };
    (TestServer::start(config).await.unwrap(), dir)
}

pub async fn changes(server: &TestServer, cursor: &str, limit: usize) -> reqwest::Response {
    client()
        .get(format!("{}/api/v1/catalog/changes", server.base_url()))
        .query(&[("cursor", cursor), ("limit", &limit.to_string())])
        .send()
        .await
        .unwrap()
}

/// Pages from `cursor` to the end: (upserts, deletions, final cursor, pages).
pub async fn sync(
    server: &TestServer,
    cursor: &str,
    limit: usize,
) -> (Vec<Value>, Vec<String>, String, usize) {
    let pages = feed_pages(server, "/api/v1/catalog/changes", None, cursor, limit).await;
    for (i, page) in pages.iter().enumerate() {
        let got =
            page["upserts"].as_array().unwrap().len() + page["deletions"].as_array().unwrap().len();
        assert!(got <= limit);
        if i + 1 < pages.len() {
            assert_eq!(got, limit, "a page before the last is full");
        }
    }
    (
        values_in(&pages, "upserts"),
        strings_in(&pages, "deletions"),
        last_cursor(&pages),
        pages.len(),
    )
}

pub fn codes(guides: &[Value]) -> Vec<String> {
    guides
        .iter()
        .map(|g| g["code"].as_str().unwrap().to_owned())
        .collect()
}

/// `POST /dev/catalog/mutate`: the codes (upserted, deleted).
pub async fn mutate(
    server: &TestServer,
    upserts: usize,
    deletions: usize,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let response = client()
        .post(format!("{}/dev/catalog/mutate", server.base_url()))
        .json(&json!({"upserts": upserts, "deletions": deletions}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mutated: Value = response.json().await.unwrap();
    (
        serde_json::from_value(mutated["upserted"].clone()).unwrap(),
        serde_json::from_value(mutated["deleted"].clone()).unwrap(),
    )
}
