//! Test support for the Kotlin and Swift suites (feature `testing`, never in
//! an app build): the reference platform in-process, fault injection, and a
//! way to provoke a panic to prove it comes back as an error.

use std::sync::{Arc, Mutex};

use banshitong_server::TestServer;

use crate::error::{BstError, ErrorKind};
use crate::runtime::run;

#[derive(uniffi::Object)]
pub struct ReferencePlatform {
    base_url: String,
    server: Mutex<Option<TestServer>>,
}

#[uniffi::export]
impl ReferencePlatform {
    /// Starts a reference server with development routes on a free loopback port.
    #[uniffi::constructor]
    pub async fn start() -> Result<Arc<Self>, BstError> {
        run(async {
            let server = TestServer::start_in_temp_dir(true)
                .await
                .map_err(|e| BstError::new(ErrorKind::Internal, e.to_string()))?;
            Ok(Arc::new(Self {
                base_url: server.base_url(),
                server: Mutex::new(Some(server)),
            }))
        })
        .await
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Stops the server and waits until it no longer accepts connections.
    pub async fn stop(&self) -> Result<(), BstError> {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        run(async move {
            if let Some(server) = server {
                server.shutdown().await;
            }
            Ok(())
        })
        .await
    }

    /// Makes the next `count` requests under `path_prefix` answer `status`.
    pub async fn inject_fault(
        &self,
        path_prefix: String,
        status: u16,
        count: u32,
        retry_after_secs: Option<u64>,
    ) -> Result<(), BstError> {
        let url = format!("{}/dev/faults", self.base_url);
        run(async move {
            let body = serde_json::json!({
                "path_prefix": path_prefix,
                "status": status,
                "count": count,
                "retry_after_secs": retry_after_secs,
            });
            let response = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .map_err(|e| BstError::new(ErrorKind::Offline, e.to_string()))?;
            if !response.status().is_success() {
                return Err(BstError::new(
                    ErrorKind::InvalidInput,
                    format!("fault refused: HTTP {}", response.status()),
                ));
            }
            Ok(())
        })
        .await
    }
}

/// Panics inside the core's runtime; the caller must get an Internal error.
#[uniffi::export]
pub async fn testing_panic_in_core() -> Result<(), BstError> {
    run(async { panic!("deliberate panic for the FFI test") }).await
}
