//! No token ever lands in a SQLite file or a log line.
//!
//! This file is its own test binary, so the process-wide log sink installed
//! here sees every record the core writes during the journey.

mod common;

use std::sync::{Arc, Mutex};

use banshitong_core::platform::{LogRecord, Logger, forward_logs_to};
use common::*;

#[derive(Default)]
struct Collector(Mutex<Vec<String>>);

impl Logger for Collector {
    fn log(&self, record: LogRecord) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target, record.message));
    }
}

#[tokio::test]
async fn tokens_never_reach_sqlite_files_or_logs() {
    let logs = Arc::new(Collector::default());
    forward_logs_to(logs.clone(), "trace").unwrap();
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let mut seen_tokens = Vec::new();
    let mut remember = |secrets: &banshitong_core::platform::MemorySecretStore| {
        let session = stored_session(secrets);
        for kind in ["access_token", "refresh_token"] {
            seen_tokens.push(session["tokens"][kind].as_str().unwrap().to_owned());
        }
    };

    sign_in(&server, &t.client, "13500000001").await;
    remember(&t.secrets);
    t.client
        .my_preferences()
        .await
        .unwrap()
        .set("k", "v")
        .await
        .unwrap();
    t.client.regions().await.unwrap();
    expire_access_tokens(&server).await;
    t.client.auth().profile().await.unwrap();
    remember(&t.secrets);
    t.client.auth().sign_out(false).await.unwrap();

    let log_lines = logs.0.lock().unwrap().clone();
    assert!(!log_lines.is_empty(), "the journey was logged");
    for token in &seen_tokens {
        assert!(
            !log_lines.iter().any(|l| l.contains(token.as_str())),
            "a token reached the logs"
        );
        for entry in std::fs::read_dir(t.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "a token reached {}",
                path.display()
            );
        }
    }
}
