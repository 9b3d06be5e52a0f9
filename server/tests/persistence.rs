//! State lives in DATA_DIR/platform.db and survives a restart; seeding
//! happens once, on first start.

mod common;

use banshitong_server::{ServerConfig, TestServer};
use common::client;
use serde_json::Value;

async fn department_codes(server: &TestServer) -> Vec<String> {
    let body: Value = client()
        .get(format!("{}/api/v1/departments", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn data_persists_across_a_restart_on_the_same_data_dir() {
    let data = tempfile::tempdir().unwrap();
    // No service guides: they reference departments by foreign key, and this
    // test deletes one behind the server's back.
    let config = ServerConfig {
        catalog_guides: 0,
        ..ServerConfig::new(data.path().join("nested/platform-data"), false)
    };

    let first = TestServer::start(config.clone()).await.unwrap();
    let seeded = department_codes(&first).await;
    first.shutdown().await;

    let db_path = config.data_dir.join("platform.db");
    assert!(db_path.is_file());

    // Change the data behind the server's back: if the restart reseeded or
    // used a fresh database, these edits would be lost.
    {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        let journal: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert!(version >= 1);
        conn.execute("DELETE FROM departments WHERE code = '530100-ga'", [])
            .unwrap();
        conn.execute(
            "INSERT INTO departments (code, name, region_code, level, kind) \
             VALUES ('530000-test', '云南省测试厅', '530000', 'province', 'government-services')",
            [],
        )
        .unwrap();
    }

    let second = TestServer::start(config.clone()).await.unwrap();
    let after = department_codes(&second).await;
    second.shutdown().await;

    assert_eq!(after.len(), seeded.len());
    assert!(after.contains(&"530000-test".to_owned()));
    assert!(!after.contains(&"530100-ga".to_owned()));
}

#[tokio::test]
async fn an_unusable_data_dir_fails_start() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let result = TestServer::start(ServerConfig::new(file, false)).await;
    assert!(result.is_err());
}
