//! The catalog snapshot over loopback: a first install downloads one gzip
//! file, imports it, and carries on with the change feed from its cursor.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use banshitong_server::TestServer;
use common::catalog::{codes, mutate, start, sync};
use common::client;
use flate2::read::GzDecoder;
use reqwest::{Response, StatusCode, header};
use serde_json::Value;

async fn get_snapshot(server: &TestServer, if_none_match: Option<&str>) -> Response {
    let mut request = client().get(format!("{}/api/v1/catalog/snapshot", server.base_url()));
    if let Some(etag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    request.send().await.unwrap()
}

/// A 200 snapshot's ETag, raw gzip bytes and decompressed document.
async fn download(server: &TestServer) -> (String, Vec<u8>, Value) {
    let response = get_snapshot(server, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "application/gzip");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    // The body is a gzip file, not a gzip transfer of JSON.
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let gzip = response.bytes().await.unwrap().to_vec();
    let mut json = String::new();
    GzDecoder::new(&gzip[..]).read_to_string(&mut json).unwrap();
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        etag,
        format!("\"snapshot-{}\"", document["cursor"].as_str().unwrap())
    );
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!(
            "attachment; filename=\"catalog-snapshot-{}.json.gz\"",
            document["cursor"].as_str().unwrap()
        )
        .as_str()
    );
    (etag, gzip, document)
}

/// What a client's offline copy holds: guides by code.
fn import(document: &Value) -> BTreeMap<String, Value> {
    document["guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["code"].as_str().unwrap().to_owned(), g.clone()))
        .collect()
}

#[tokio::test]
async fn the_snapshot_is_the_whole_catalog_at_the_caught_up_cursor() {
    let (server, _dir) = start(500).await;
    let (_, gzip, document) = download(&server).await;
    assert_eq!(document["format"], 1);
    let generated_at = document["generated_at"].as_str().unwrap();
    assert!(
        generated_at.len() == 20 && generated_at.ends_with('Z') && generated_at.contains('T'),
        "{generated_at}"
    );

    // Exactly what a full sync from nothing gives, guide for guide, and the
    // same cursor that sync ends on.
    let (guides, deletions, cursor, _) = sync(&server, "", 1000).await;
    assert!(deletions.is_empty());
    assert_eq!(document["cursor"], cursor.as_str());
    let imported = import(&document);
    assert_eq!(imported.len(), 500);
    let synced: BTreeMap<_, _> = codes(&guides).into_iter().zip(guides).collect();
    assert_eq!(imported, synced);
    assert!(imported.values().all(|g| {
        g["form_schema_id"]
            .as_str()
            .is_some_and(|f| f.ends_with(".v1"))
    }));

    // Served from memory while nothing changes: byte for byte the same file.
    let (_, again, _) = download(&server).await;
    assert_eq!(again, gzip);
    server.shutdown().await;
}

#[tokio::test]
async fn importing_then_following_the_change_feed_matches_the_server() {
    let (server, _dir) = start(300).await;
    let (_, _, document) = download(&server).await;
    let mut offline = import(&document);
    let cursor = document["cursor"].as_str().unwrap().to_owned();

    let (upserted, deleted) = mutate(&server, 6, 4).await;
    let (guides, deletions, _, _) = sync(&server, &cursor, 5).await;
    // Exactly the later changes: nothing the snapshot already had.
    assert_eq!(
        codes(&guides).into_iter().collect::<BTreeSet<_>>(),
        upserted
    );
    assert_eq!(deletions.iter().cloned().collect::<BTreeSet<_>>(), deleted);
    for guide in guides {
        offline.insert(guide["code"].as_str().unwrap().to_owned(), guide);
    }
    for code in &deletions {
        assert!(offline.remove(code).is_some(), "{code} was in the snapshot");
    }

    // The client's copy is now what a fresh first install would get.
    let (_, _, fresh) = download(&server).await;
    assert_eq!(offline, import(&fresh));
    assert_eq!(offline.len(), 300 - 4);
    server.shutdown().await;
}

#[tokio::test]
async fn the_etag_revalidates_and_moves_with_the_catalog() {
    let (server, _dir) = start(200).await;
    let (etag, _, document) = download(&server).await;

    let response = get_snapshot(&server, Some(&etag)).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()[header::ETAG], etag.as_str());
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(response.bytes().await.unwrap().is_empty());
    let response = get_snapshot(&server, Some("\"snapshot-c1\"")).await;
    assert_eq!(response.status(), StatusCode::OK);

    mutate(&server, 1, 0).await;
    let response = get_snapshot(&server, Some(&etag)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (new_etag, _, new_document) = download(&server).await;
    assert_ne!(new_etag, etag);
    assert_ne!(new_document["cursor"], document["cursor"]);
    let response = get_snapshot(&server, Some(&new_etag)).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    server.shutdown().await;
}

#[tokio::test]
async fn compaction_keeps_the_snapshot_and_its_cursor_valid() {
    let (server, _dir) = start(200).await;
    mutate(&server, 2, 2).await;
    let (etag, _, document) = download(&server).await;
    let compacted: Value = client()
        .post(format!("{}/dev/catalog/compact", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The snapshot's cursor is the latest seq, which is where the watermark
    // now stands: still valid, and the guides didn't change, so neither did
    // the file.
    assert_eq!(compacted["watermark_cursor"], document["cursor"]);
    let response = get_snapshot(&server, Some(&etag)).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    let (guides, deletions, _, _) = sync(&server, document["cursor"].as_str().unwrap(), 10).await;
    assert!(guides.is_empty() && deletions.is_empty());
    server.shutdown().await;
}
