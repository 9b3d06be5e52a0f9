//! The offline guide catalog against the reference server: first install
//! from the snapshot, page-by-page sync, deltas and tombstones, 410 and a
//! full pass, a sync stopped between pages, ETag revalidation, offline reads
//! with the server gone, and a shipped snapshot imported with no network.

mod common;

use std::sync::{Arc, Mutex};

use banshitong_core::Error;
use banshitong_core::catalog::{
    Freshness, GuideFilters, SearchRequest, SyncOptions, SyncPhase, SyncProgress,
};
use common::*;

fn pages_of(size: u32) -> SyncOptions {
    SyncOptions {
        snapshot_on_first_install: false,
        page_size: size,
    }
}

/// Every guide code the offline index can find (browsing with no query).
async fn indexed_codes(client: &banshitong_core::Client) -> Vec<String> {
    let mut codes = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .catalog()
            .search(SearchRequest {
                page_token: token,
                limit: 100,
                ..SearchRequest::default()
            })
            .await
            .unwrap();
        codes.extend(page.hits.into_iter().map(|h| h.code));
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    codes.sort();
    codes
}

fn server_codes(guides: &[banshitong_core::catalog::Guide]) -> Vec<String> {
    let mut codes: Vec<String> = guides.iter().map(|g| g.code.clone()).collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn first_install_takes_the_snapshot_then_only_deltas() {
    let (server, _dir) = catalog_server(400).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();

    let report = catalog.sync(None).await.unwrap();
    assert!(report.completed && report.used_snapshot);
    assert_eq!(report.guides, 400);
    assert_eq!(requests_seen(&server, "/api/v1/catalog/snapshot").await, 1);
    assert!(catalog.status().await.unwrap().last_synced_at_ms.is_some());

    let (upserted, deleted) = mutate_catalog(&server, 5, 3).await;
    let report = catalog.sync(None).await.unwrap();
    assert!(!report.used_snapshot);
    assert_eq!((report.upserted, report.deleted), (5, 3));
    assert_eq!(report.guides, 397);
    for code in &upserted {
        let guide = catalog.offline_guide(code.clone()).await.unwrap().unwrap();
        assert_eq!(guide.revision, 2, "{code} carries the new revision");
    }
    for code in &deleted {
        assert!(catalog.offline_guide(code.clone()).await.unwrap().is_none());
    }
    // Tombstones took the index entries with them.
    assert_eq!(
        indexed_codes(&t.client).await,
        server_codes(&all_guides(&server).await)
    );
}

#[tokio::test]
async fn paged_sync_reports_progress_and_matches_the_server() {
    let (server, _dir) = catalog_server(350).await;
    let t = client_for(&server.base_url());
    let seen: Arc<Mutex<Vec<SyncProgress>>> = Arc::default();
    let sink = seen.clone();
    let report = t
        .client
        .catalog()
        .sync_with(
            pages_of(100),
            Some(Arc::new(move |p: &SyncProgress| {
                sink.lock().unwrap().push(p.clone())
            })),
        )
        .await
        .unwrap();
    assert!(report.completed && !report.used_snapshot);
    assert_eq!((report.pages, report.guides), (4, 350));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.first().unwrap().phase, SyncPhase::Started);
    assert_eq!(seen.last().unwrap().phase, SyncPhase::Finished);
    let remaining: Vec<u64> = seen
        .iter()
        .filter(|p| p.phase == SyncPhase::PageApplied)
        .map(|p| p.remaining.unwrap())
        .collect();
    assert_eq!(remaining, [250, 150, 50, 0]);
    assert_eq!(
        indexed_codes(&t.client).await,
        server_codes(&all_guides(&server).await)
    );
}

#[tokio::test]
async fn a_sync_stopped_between_pages_resumes_without_duplicates_or_gaps() {
    let (server, _dir) = catalog_server(500).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    let stopper = catalog.clone();
    let report = catalog
        .sync_with(
            pages_of(100),
            Some(Arc::new(move |p: &SyncProgress| {
                if p.phase == SyncPhase::PageApplied && p.pages == 2 {
                    stopper.cancel_sync();
                }
            })),
        )
        .await
        .unwrap();
    assert!(!report.completed);
    assert_eq!((report.pages, report.guides), (2, 200));
    assert!(catalog.status().await.unwrap().sync_incomplete);

    // The app is killed and restarted: a new client on the same folder.
    drop(catalog);
    let restarted = client_in(&server.base_url(), &t.dir, t.secrets.clone());
    let resumed = restarted
        .catalog()
        .sync_with(pages_of(100), None)
        .await
        .unwrap();
    assert!(resumed.completed);
    assert_eq!(resumed.pages, 3, "only the pages not applied before");
    assert_eq!(resumed.upserted, 300);
    assert!(!restarted.catalog().status().await.unwrap().sync_incomplete);
    assert_eq!(
        indexed_codes(&restarted).await,
        server_codes(&all_guides(&server).await)
    );
}

#[tokio::test]
async fn an_expired_cursor_restarts_a_full_pass_that_sweeps_deleted_guides() {
    let (server, _dir) = catalog_server(300).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    catalog.sync_with(pages_of(1000), None).await.unwrap();

    let (_, deleted) = mutate_catalog(&server, 4, 6).await;
    compact_catalog(&server).await;
    let report = catalog.sync_with(pages_of(100), None).await.unwrap();
    assert!(report.completed && report.restarted);
    assert_eq!(
        report.swept, 6,
        "the tombstones were compacted away; the sweep finds them"
    );
    for code in deleted {
        assert!(catalog.offline_guide(code).await.unwrap().is_none());
    }
    assert_eq!(
        indexed_codes(&t.client).await,
        server_codes(&all_guides(&server).await)
    );
}

#[tokio::test]
async fn a_failing_platform_leaves_the_stored_catalog_as_it_was() {
    let (server, _dir) = catalog_server(200).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    catalog.sync_with(pages_of(1000), None).await.unwrap();
    mutate_catalog(&server, 10, 0).await;
    let before = catalog.status().await.unwrap();

    inject_fault(&server, "/api/v1/catalog/changes", 500, 1, None).await;
    let err = catalog.sync(None).await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }), "{err:?}");
    assert_eq!(catalog.status().await.unwrap(), before);

    let report = catalog.sync(None).await.unwrap();
    assert_eq!(report.upserted, 10);
}

#[tokio::test]
async fn opening_a_guide_revalidates_it_and_offline_it_still_opens() {
    let (server, _dir) = catalog_server(120).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    catalog.sync(None).await.unwrap();
    let codes = server_codes(&all_guides(&server).await);

    let before = requests_seen(&server, "/api/v1/catalog/items/").await;
    let view = catalog.guide(codes[0].clone()).await.unwrap();
    assert_eq!(view.freshness, Freshness::Revalidated);
    assert_eq!(view.guide.revision, 1);
    assert_eq!(
        requests_seen(&server, "/api/v1/catalog/items/").await,
        before + 1
    );

    // Changed on the platform: opening it brings the new revision at once.
    let (upserted, _) = mutate_catalog(&server, 1, 0).await;
    let view = catalog.guide(upserted[0].clone()).await.unwrap();
    assert_eq!(view.guide.revision, 2);
    let stored = catalog
        .offline_guide(upserted[0].clone())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.revision, 2);

    // The server goes away: guides, search and browse still work.
    server.shutdown().await;
    let view = catalog.guide(codes[1].clone()).await.unwrap();
    assert!(matches!(
        view.freshness,
        Freshness::Offline {
            synced_at_ms: Some(_)
        }
    ));
    let page = catalog
        .search(SearchRequest {
            query: view.guide.name.clone(),
            ..SearchRequest::default()
        })
        .await
        .unwrap();
    assert!(page.hits.iter().any(|h| h.code == codes[1]));
    let err = catalog.guide("NOPE-530000".to_owned()).await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
}

#[tokio::test]
async fn a_withdrawn_guide_is_dropped_when_opened() {
    let (server, _dir) = catalog_server(80).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    catalog.sync(None).await.unwrap();
    let (_, deleted) = mutate_catalog(&server, 0, 1).await;
    let err = catalog.guide(deleted[0].clone()).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(
        catalog
            .offline_guide(deleted[0].clone())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_shipped_snapshot_imports_with_no_network_and_sync_continues_from_it() {
    let (server, _dir) = catalog_server(250).await;
    let file = snapshot_file(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog-snapshot.json.gz");
    std::fs::write(&path, &file).unwrap();

    // No platform at all: a closed loopback port.
    let offline = client_for("http://127.0.0.1:9");
    let catalog = offline.client.catalog();
    let garbage = dir.path().join("garbage.gz");
    std::fs::write(&garbage, &file[..file.len() / 2]).unwrap();
    let err = catalog.import_snapshot(garbage).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(
        catalog.status().await.unwrap().guides,
        0,
        "nothing half-imported"
    );

    let imported = catalog.import_snapshot(path.clone()).await.unwrap();
    assert!(imported.imported);
    assert_eq!(imported.guides, 250);
    let again = catalog.import_snapshot(path).await.unwrap();
    assert!(
        !again.imported,
        "a synced catalog is never overwritten by a snapshot"
    );
    let page = catalog
        .search(SearchRequest {
            query: "营业执照".to_owned(),
            filters: GuideFilters::default(),
            ..SearchRequest::default()
        })
        .await
        .unwrap();
    assert!(!page.hits.is_empty());

    // Later, online: the same folder syncs only what changed since.
    mutate_catalog(&server, 3, 1).await;
    let online = client_in(&server.base_url(), &offline.dir, offline.secrets.clone());
    let report = online.catalog().sync(None).await.unwrap();
    assert!(!report.used_snapshot);
    assert_eq!(
        (report.upserted, report.deleted, report.guides),
        (3, 1, 249)
    );
}

#[tokio::test]
async fn truncated_or_malformed_pages_are_refused_without_touching_the_catalog() {
    let (server, _dir) = catalog_server(150).await;
    let t = client_for(&server.base_url());
    let catalog = t.client.catalog();
    catalog.sync(None).await.unwrap();
    let (upserted, _) = mutate_catalog(&server, 10, 2).await;
    let before = catalog.status().await.unwrap();
    let before_codes = indexed_codes(&t.client).await;

    for mode in ["truncate", "malformed"] {
        inject_broken_body(&server, "/api/v1/catalog/changes", mode).await;
        let err = catalog.sync(None).await.unwrap_err();
        assert!(matches!(err, Error::Protocol { .. }), "{mode}: {err:?}");
        assert_eq!(catalog.status().await.unwrap(), before, "{mode}");
        assert_eq!(indexed_codes(&t.client).await, before_codes, "{mode}");
        let stored = catalog
            .offline_guide(upserted[0].clone())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.revision, 1, "{mode}: nothing of the page applied");
    }
    // A broken first-install snapshot falls back to paging.
    let fresh = client_for(&server.base_url());
    inject_broken_body(&server, "/api/v1/catalog/snapshot", "truncate").await;
    let report = fresh.client.catalog().sync(None).await.unwrap();
    assert!(report.completed && !report.used_snapshot);
    assert_eq!(report.guides, 148);

    let report = catalog.sync(None).await.unwrap();
    assert_eq!((report.upserted, report.deleted), (10, 2));
}
