mod common;

use banshitong_server::TestServer;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::Value;

async fn regions(server: &TestServer, query: &str) -> Vec<Value> {
    let response = client()
        .get(format!("{}/api/v1/regions{query}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = response.json().await.unwrap();
    body["regions"].as_array().unwrap().clone()
}

fn name_of<'a>(regions: &'a [Value], code: &str) -> Option<&'a str> {
    regions
        .iter()
        .find(|r| r["code"] == code)
        .and_then(|r| r["name"].as_str())
}

#[tokio::test]
async fn lists_all_146_regions_of_yunnan() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let all = regions(&server, "").await;
    assert_eq!(all.len(), 146);
    let count = |level: &str| all.iter().filter(|r| r["level"] == level).count();
    assert_eq!(count("province"), 1);
    assert_eq!(count("prefecture"), 16);
    assert_eq!(count("county"), 129);

    assert_eq!(
        all[0],
        serde_json::json!({"code": "530000", "name": "云南省", "parent_code": null, "level": "province"})
    );
    assert_eq!(name_of(&all, "530102"), Some("五华区"));
    assert_eq!(name_of(&all, "532900"), Some("大理白族自治州"));
    let wuhua = all.iter().find(|r| r["code"] == "530102").unwrap();
    assert_eq!(wuhua["parent_code"], "530100");
    assert_eq!(wuhua["level"], "county");
    server.shutdown().await;
}

#[tokio::test]
async fn parent_filter_lists_direct_children() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let prefectures = regions(&server, "?parent=530000").await;
    assert_eq!(prefectures.len(), 16);
    assert!(prefectures.iter().all(|r| r["level"] == "prefecture"));

    let kunming = regions(&server, "?parent=530100").await;
    assert!(!kunming.is_empty());
    assert!(kunming.iter().all(|r| r["parent_code"] == "530100"));
    assert_eq!(name_of(&kunming, "530102"), Some("五华区"));

    // A well-formed code with no children is an empty list, not an error.
    assert!(regions(&server, "?parent=530102").await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_parent_is_a_problem_400() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    for query in [
        "?parent=",
        "?parent=5301",
        "?parent=abcdef",
        "?parent=5301000",
        "?parent=%FF",
    ] {
        let response = client()
            .get(format!("{}/api/v1/regions{query}", server.base_url()))
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn etag_revalidation_answers_304() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let url = format!("{}/api/v1/regions", server.base_url());
    let first = client().get(&url).send().await.unwrap();
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    let revalidated = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.headers()[header::ETAG], etag.as_str());
    assert!(revalidated.headers().contains_key("x-request-id"));
    assert!(revalidated.bytes().await.unwrap().is_empty());

    let stale = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);

    // A filtered list is a different representation with its own tag.
    let filtered = client()
        .get(format!("{url}?parent=530100"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.status(), StatusCode::OK);
    assert_ne!(filtered.headers()[header::ETAG], etag.as_str());
    server.shutdown().await;
}
