mod common;

use std::collections::HashSet;

use banshitong_server::TestServer;
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::Value;

async fn departments(server: &TestServer, query: &str) -> Vec<Value> {
    let response = client()
        .get(format!("{}/api/v1/departments{query}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key(header::ETAG));
    let body: Value = response.json().await.unwrap();
    body["departments"].as_array().unwrap().clone()
}

fn names(departments: &[Value]) -> HashSet<&str> {
    departments
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect()
}

#[tokio::test]
async fn lists_provincial_and_prefecture_departments() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let all = departments(&server, "").await;

    let seats: HashSet<&str> = all
        .iter()
        .filter_map(|d| d["region_code"].as_str())
        .collect();
    assert_eq!(seats.len(), 17, "the province and 16 prefectures");
    let names = names(&all);
    for name in [
        "云南省公安厅",
        "云南省市场监督管理局",
        "国家税务总局云南省税务局",
        "云南省政务服务管理局",
        "昆明市公安局",
        "昆明住房公积金管理中心",
        "大理白族自治州公安局",
    ] {
        assert!(names.contains(name), "{name} missing");
    }

    let ga = all.iter().find(|d| d["code"] == "530100-ga").unwrap();
    assert_eq!(
        *ga,
        serde_json::json!({
            "code": "530100-ga",
            "name": "昆明市公安局",
            "region_code": "530100",
            "level": "prefecture",
            "kind": "public-security"
        })
    );
    assert!(all.iter().all(|d| {
        let level = d["level"].as_str().unwrap();
        (level == "province") == (d["region_code"] == "530000")
    }));
    server.shutdown().await;
}

#[tokio::test]
async fn region_filter_lists_only_that_seat() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let kunming = departments(&server, "?region=530100").await;
    assert!(!kunming.is_empty());
    assert!(kunming.iter().all(|d| d["region_code"] == "530100"));
    assert!(names(&kunming).contains("昆明市医疗保障局"));

    let province = departments(&server, "?region=530000").await;
    assert!(province.iter().all(|d| d["level"] == "province"));
    assert!(names(&province).contains("云南省人力资源和社会保障厅"));

    // Counties have no seeded departments.
    assert!(departments(&server, "?region=530102").await.is_empty());

    let response = client()
        .get(format!(
            "{}/api/v1/departments?region=kunming",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    server.shutdown().await;
}
