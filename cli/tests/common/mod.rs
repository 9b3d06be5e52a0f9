//! What the `bst` end-to-end tests share: a reference server on its own
//! runtime (so a test can run `bst` blocking), `bst` itself with a data
//! folder (`bst.rs`), sample files and small output helpers.
#![allow(dead_code)]

mod bst;
// Not every test file runs `bst` this way (guides.rs has its own helpers).
#[allow(unused_imports)]
pub use bst::{Bst, sample_pdf, sample_photo};

use banshitong_server::{ServerConfig, TestServer};
use serde_json::Value;
use tempfile::TempDir;

/// Guides in each test server's catalog.
pub const GUIDES: usize = 300;

pub struct Platform {
    server: Option<TestServer>,
    runtime: tokio::runtime::Runtime,
    _dir: TempDir,
}

impl Platform {
    pub fn start() -> Platform {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::new(dir.path(), true);
        config.catalog_guides = GUIDES;
        let server = runtime
            .block_on(TestServer::start(config))
            .expect("reference server starts");
        Platform {
            server: Some(server),
            runtime,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().expect("server running").base_url()
    }

    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }

    /// Calls a route of the server and expects success; its JSON, if any.
    pub fn dev(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url());
        self.runtime.block_on(async move {
            let mut request = reqwest::Client::new().request(method, url);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.json().await.unwrap_or(Value::Null)
        })
    }

    pub fn requests_seen(&self, prefix: &str) -> u64 {
        let path = format!("/dev/requests?path_prefix={prefix}");
        self.dev(reqwest::Method::GET, &path, None)["count"]
            .as_u64()
            .unwrap()
    }

    pub fn applications(&self) -> u64 {
        self.dev(reqwest::Method::GET, "/dev/applications", None)["count"]
            .as_u64()
            .unwrap()
    }

    pub fn snapshot_bytes(&self) -> Vec<u8> {
        let url = format!("{}/api/v1/catalog/snapshot", self.url());
        self.runtime.block_on(async move {
            let response = reqwest::get(url).await.unwrap();
            assert!(response.status().is_success());
            response.bytes().await.unwrap().to_vec()
        })
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}
