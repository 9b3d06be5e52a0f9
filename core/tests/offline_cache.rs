//! Reference data stays readable with the platform gone, and a damaged
//! catalog cache is rebuilt.

mod common;

use banshitong_core::catalog::RegionLevel;
use common::*;

#[tokio::test]
async fn regions_and_departments_are_readable_offline_after_one_fetch() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let online = t.client.regions().await.unwrap();
    let kunming_departments = t.client.departments(Some("530100".into())).await.unwrap();
    assert!(!kunming_departments.is_empty());

    server.shutdown().await;
    let offline = t.client.regions().await.expect("served from the cache");
    let offline_departments = t.client.departments(Some("530100".into())).await.unwrap();

    assert_eq!(offline, online);
    assert_eq!(offline_departments, kunming_departments);
    assert!(
        t.client
            .catalog()
            .regions_fetched_at_ms()
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn offline_with_nothing_cached_is_an_offline_error() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    server.shutdown().await;

    let err = t.client.regions().await.unwrap_err();

    assert!(err.is_network(), "got {err:?}");
}

#[tokio::test]
async fn the_seed_is_yunnans_real_divisions() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());

    let regions = t.client.regions().await.unwrap();

    let count = |level| regions.iter().filter(|r| r.level == level).count();
    assert_eq!(count(RegionLevel::Province), 1);
    assert_eq!(count(RegionLevel::Prefecture), 16);
    assert_eq!(count(RegionLevel::County), 129);
    let wuhua = regions.iter().find(|r| r.code == "530102").unwrap();
    assert_eq!(wuhua.name, "五华区");
    assert_eq!(wuhua.parent_code.as_deref(), Some("530100"));
}

#[tokio::test]
async fn a_garbage_catalog_cache_is_rebuilt() {
    let server = dev_server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalog.db"),
        b"this is not a database, just garbage bytes ......................................",
    )
    .unwrap();

    let client = client_in(
        &server.base_url(),
        &dir,
        std::sync::Arc::new(banshitong_core::platform::MemorySecretStore::new()),
    );
    let regions = client.regions().await.unwrap();

    assert_eq!(regions.len(), 146);
}
