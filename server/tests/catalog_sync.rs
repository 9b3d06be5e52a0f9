//! The service-guide catalog over loopback: the seeded data, one guide with
//! its ETag, and the change feed (paging, deltas, tombstones, compaction).

mod common;

use std::collections::{BTreeSet, HashSet};

use banshitong_server::{ServerConfig, TestServer};
use common::catalog::{changes, codes, start, sync};
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

const GUIDES: usize = 400;

async fn get_json(url: String) -> Value {
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn seeded_catalog_is_complete_and_consistent() {
    let (server, _dir) = start(GUIDES).await;
    let (guides, deletions, _, _) = sync(&server, "", 1000).await;
    assert_eq!(guides.len(), GUIDES);
    assert!(deletions.is_empty());
    let unique: HashSet<_> = codes(&guides).into_iter().collect();
    assert_eq!(unique.len(), GUIDES);
    let names: HashSet<_> = guides.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert!(names.len() >= 150, "only {} distinct names", names.len());

    let base = server.base_url();
    let departments = get_json(format!("{base}/api/v1/departments")).await;
    let departments: HashSet<_> = departments["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    let regions = get_json(format!("{base}/api/v1/regions")).await;
    let regions: HashSet<_> = regions["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    let mut counties = HashSet::new();
    for guide in &guides {
        assert!(departments.contains(guide["department_code"].as_str().unwrap()));
        let guide_regions = guide["region_codes"].as_array().unwrap();
        assert!(!guide_regions.is_empty());
        for region in guide_regions {
            assert!(regions.contains(region.as_str().unwrap()), "{region}");
            counties.insert(region.as_str().unwrap().to_owned());
        }
        assert_eq!(guide["revision"], 1);
        // Drafts of the item use this form; the item code is the code's
        // prefix (GA001-530102 → GA001.v1).
        let item = guide["code"].as_str().unwrap().split('-').next().unwrap();
        let form = guide["form_schema_id"].as_str().unwrap();
        assert!(form.ends_with(".v1"), "{form}");
        assert_eq!(
            form.trim_end_matches(".v1")
                .trim_start_matches(char::is_alphabetic),
            item.trim_start_matches(char::is_alphabetic),
            "the item number"
        );
        let depth = guide["online_depth"].as_u64().unwrap();
        assert!(depth <= 4);
        assert!(
            guide["promised_time_limit_days"].as_u64().unwrap()
                <= guide["legal_time_limit_days"].as_u64().unwrap()
        );
        assert!(!guide["materials"].as_array().unwrap().is_empty());
        for material in guide["materials"].as_array().unwrap() {
            let from_licence = material["source"] == "licence";
            assert_eq!(from_licence, material["licence_type"].is_string());
        }
    }
    assert!(counties.len() > 60, "guides spread over many regions");
    server.shutdown().await;
}

#[tokio::test]
async fn a_guide_has_an_etag_and_revalidates() {
    let (server, _dir) = start(250).await;
    let page: Value = changes(&server, "", 1).await.json().await.unwrap();
    let code = page["upserts"][0]["code"].as_str().unwrap().to_owned();
    let url = format!("{}/api/v1/catalog/items/{code}", server.base_url());
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let guide: Value = response.json().await.unwrap();
    assert_eq!(guide, page["upserts"][0]);

    let response = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()[header::ETAG], etag.as_str());

    let response = client()
        .get(format!(
            "{}/api/v1/catalog/items/NOPE001-530000",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    server.shutdown().await;
}

#[tokio::test]
async fn paging_has_no_gaps_or_duplicates() {
    let (server, _dir) = start(GUIDES).await;
    let (guides, _, end, pages) = sync(&server, "", 37).await;
    assert_eq!(pages, GUIDES.div_ceil(37));
    let all = codes(&guides);
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
    assert_eq!(all.len(), GUIDES);
    // Caught up: nothing more, and the cursor stays put.
    let page: Value = changes(&server, &end, 10).await.json().await.unwrap();
    assert_eq!(page["upserts"], json!([]));
    assert_eq!(page["has_more"], false);
    assert_eq!(page["next_cursor"], end.as_str());
    // The default limit is 200.
    let page: Value = client()
        .get(format!("{}/api/v1/catalog/changes", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["upserts"].as_array().unwrap().len(), 200);
    assert_eq!(page["has_more"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn bad_cursors_and_limits_are_400() {
    let (server, _dir) = start(200).await;
    for cursor in ["abc", "c", "c-5", "12", "c12x"] {
        let response = changes(&server, cursor, 10).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    for limit in [0, 1001] {
        let response = changes(&server, "", limit).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    // A cursor this server never issued (beyond its log) is expired.
    let response = changes(&server, "c999999999", 10).await;
    assert_problem(response, StatusCode::GONE, "cursor-expired").await;
    server.shutdown().await;
}

#[tokio::test]
async fn mutations_show_up_as_upserts_and_tombstones() {
    let (server, _dir) = start(300).await;
    let base = server.base_url();
    let (_, _, cursor, _) = sync(&server, "", 1000).await;

    let first: Value = changes(&server, "", 1).await.json().await.unwrap();
    let watched = first["upserts"][0]["code"].as_str().unwrap().to_owned();
    let watched_url = format!("{base}/api/v1/catalog/items/{watched}");
    let old_etag = client().get(&watched_url).send().await.unwrap().headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();

    let mutated: Value = client()
        .post(format!("{base}/dev/catalog/mutate"))
        .json(&json!({"upserts": 7, "deletions": 4}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upserted: BTreeSet<String> = serde_json::from_value(mutated["upserted"].clone()).unwrap();
    let deleted: BTreeSet<String> = serde_json::from_value(mutated["deleted"].clone()).unwrap();
    assert_eq!((upserted.len(), deleted.len()), (7, 4));
    assert!(upserted.is_disjoint(&deleted));

    let (guides, deletions, _, _) = sync(&server, &cursor, 3).await;
    assert_eq!(
        codes(&guides).into_iter().collect::<BTreeSet<_>>(),
        upserted
    );
    assert!(guides.iter().all(|g| g["revision"] == 2));
    assert_eq!(deletions.into_iter().collect::<BTreeSet<_>>(), deleted);

    for code in &deleted {
        let response = client()
            .get(format!("{base}/api/v1/catalog/items/{code}"))
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    }
    // The watched guide's ETag moves only if it changed.
    let response = client()
        .get(&watched_url)
        .header(header::IF_NONE_MATCH, &old_etag)
        .send()
        .await
        .unwrap();
    let expected = if upserted.contains(&watched) {
        StatusCode::OK
    } else if deleted.contains(&watched) {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::NOT_MODIFIED
    };
    assert_eq!(response.status(), expected);

    // A full sync now has every live guide once, the changed ones last.
    let (all, _, _, _) = sync(&server, "", 1000).await;
    assert_eq!(all.len(), 300 - 4);
    server.shutdown().await;
}

#[tokio::test]
async fn compaction_expires_old_cursors() {
    let (server, _dir) = start(200).await;
    let base = server.base_url();
    let (_, _, old_cursor, _) = sync(&server, "", 1000).await;
    client()
        .post(format!("{base}/dev/catalog/mutate"))
        .json(&json!({"upserts": 2, "deletions": 2}))
        .send()
        .await
        .unwrap();
    let (_, _, current, _) = sync(&server, &old_cursor, 1000).await;
    let compacted: Value = client()
        .post(format!("{base}/dev/catalog/compact"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(compacted["watermark_cursor"], current.as_str());

    let response = changes(&server, &old_cursor, 100).await;
    assert_problem(response, StatusCode::GONE, "cursor-expired").await;
    let response = changes(&server, "c0", 100).await;
    assert_problem(response, StatusCode::GONE, "cursor-expired").await;

    // The caught-up cursor still works, and so does a fresh sync, which no
    // longer carries the compacted tombstones.
    let (guides, deletions, _, _) = sync(&server, &current, 100).await;
    assert!(guides.is_empty() && deletions.is_empty());
    let (guides, deletions, _, _) = sync(&server, "", 1000).await;
    assert_eq!(guides.len(), 198);
    assert!(deletions.is_empty());
    // A full pass in small pages walks below the watermark and stays valid…
    let (guides, _, _, pages) = sync(&server, "", 50).await;
    assert_eq!((guides.len(), pages), (198, 4));
    // …unless a compaction happens while it runs: it may have dropped a
    // tombstone for a guide the pass already sent.
    let first: Value = changes(&server, "", 50).await.json().await.unwrap();
    let in_pass = first["next_cursor"].as_str().unwrap().to_owned();
    assert!(in_pass.starts_with('f'), "{in_pass}");
    client()
        .post(format!("{base}/dev/catalog/mutate"))
        .json(&json!({"deletions": 1}))
        .send()
        .await
        .unwrap();
    client()
        .post(format!("{base}/dev/catalog/compact"))
        .send()
        .await
        .unwrap();
    let response = changes(&server, &in_pass, 50).await;
    assert_problem(response, StatusCode::GONE, "cursor-expired").await;
    server.shutdown().await;
}

#[tokio::test]
async fn catalog_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        catalog_guides: 220,
        ..ServerConfig::new(dir.path(), true)
    };
    let server = TestServer::start(config.clone()).await.unwrap();
    client()
        .post(format!("{}/dev/catalog/mutate", server.base_url()))
        .json(&json!({"deletions": 20}))
        .send()
        .await
        .unwrap();
    server.shutdown().await;
    let server = TestServer::start(ServerConfig {
        catalog_guides: 5000,
        ..config
    })
    .await
    .unwrap();
    let (guides, deletions, _, _) = sync(&server, "", 1000).await;
    assert_eq!((guides.len(), deletions.len()), (200, 20));
    server.shutdown().await;
}
