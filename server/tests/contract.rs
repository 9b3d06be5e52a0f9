//! `openapi.yaml` is the contract: this test fails when the router serves an
//! operation the spec lacks, or the spec names one the router lacks.

mod common;

use std::collections::BTreeSet;

use banshitong_server::{TestServer, openapi_spec, route_table};
use common::client;
use reqwest::{Method, StatusCode};
use serde_json::Value as Json;
use serde_yaml::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// (METHOD, path, dev_only) for every operation in the spec.
fn spec_operations() -> BTreeSet<(String, String, bool)> {
    let spec: Value = serde_yaml::from_str(openapi_spec()).expect("openapi.yaml parses");
    assert_eq!(spec["openapi"].as_str(), Some("3.1.0"));
    let paths = spec["paths"].as_mapping().expect("spec has paths");
    let mut operations = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().expect("path keys are strings");
        let item = item.as_mapping().expect("path item is a mapping");
        for (key, operation) in item {
            let key = key.as_str().unwrap_or_default();
            if !METHODS.contains(&key) {
                continue;
            }
            assert!(
                operation["responses"]
                    .as_mapping()
                    .is_some_and(|r| !r.is_empty()),
                "{key} {path} has no responses"
            );
            assert!(
                operation["operationId"].as_str().is_some(),
                "{key} {path} has no operationId"
            );
            let dev_only = operation["x-dev-only"].as_bool().unwrap_or(false);
            operations.insert((key.to_uppercase(), path.to_owned(), dev_only));
        }
    }
    operations
}

fn router_operations() -> BTreeSet<(String, String, bool)> {
    route_table()
        .into_iter()
        .map(|route| {
            (
                route.method.to_owned(),
                route.path.to_owned(),
                route.dev_only,
            )
        })
        .collect()
}

#[test]
fn spec_and_router_name_the_same_operations() {
    let spec = spec_operations();
    let router = router_operations();
    let unspecified: Vec<_> = router.difference(&spec).collect();
    let unserved: Vec<_> = spec.difference(&router).collect();
    assert!(
        unspecified.is_empty() && unserved.is_empty(),
        "served but not in openapi.yaml (or x-dev-only differs): {unspecified:?}\n\
         in openapi.yaml but not served: {unserved:?}"
    );
    assert!(router.len() >= 6);
}

#[test]
fn every_ref_in_the_spec_resolves() {
    let spec: Value = serde_yaml::from_str(openapi_spec()).unwrap();
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference
            .strip_prefix("#/")
            .unwrap_or_else(|| panic!("only local refs are used: {reference}"));
        let mut node = &spec;
        for segment in pointer.split('/') {
            node = &node[segment];
        }
        assert!(!node.is_null(), "dangling $ref {reference}");
    }
}

fn collect_refs(node: &Value, refs: &mut Vec<String>) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("$ref") {
                    refs.extend(value.as_str().map(str::to_owned));
                } else {
                    collect_refs(value, refs);
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_refs(item, refs)),
        _ => {}
    }
}

/// Sends `method path` and tells whether the router's fallback (404 "No route
/// ...") or a method mismatch (405) answered instead of a handler. A handler
/// may answer 404 itself for a missing resource; that is not a fallback.
async fn reaches_a_handler(server: &TestServer, method: &str, path: &str) -> bool {
    // Path parameters get a placeholder; the handler may 404 on it, fine.
    let path = fill_path_params(path);
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let response = client()
        .request(method, format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap();
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => false,
        StatusCode::NOT_FOUND => {
            let body: Json = response.json().await.unwrap_or_default();
            !body["detail"]
                .as_str()
                .unwrap_or_default()
                .starts_with("No route")
        }
        _ => true,
    }
}

fn fill_path_params(path: &str) -> String {
    let mut filled = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                filled.push_str("probe");
            }
            _ if !in_param => filled.push(c),
            _ => {}
        }
    }
    filled
}

#[tokio::test]
async fn every_spec_operation_reaches_a_handler_on_a_dev_server() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    for (method, path, _) in spec_operations() {
        assert!(
            reaches_a_handler(&server, &method, &path).await,
            "{method} {path} fell through to the router's fallback"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn dev_only_operations_are_absent_without_dev() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    for (method, path, dev_only) in spec_operations() {
        assert_eq!(
            reaches_a_handler(&server, &method, &path).await,
            !dev_only,
            "{method} {path} (x-dev-only: {dev_only})"
        );
    }
    server.shutdown().await;
}
