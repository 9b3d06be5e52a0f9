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
        let body = serde_json::json!({
            "path_prefix": path_prefix,
            "status": status,
            "count": count,
            "retry_after_secs": retry_after_secs,
        });
        self.dev(reqwest::Method::POST, "/dev/faults", Some(body))
            .await?;
        Ok(())
    }

    /// The newest sign-in code "texted" to `phone` (from the dev SMS outbox).
    pub async fn sms_code(&self, phone: String) -> Result<String, BstError> {
        let outbox = self
            .dev(
                reqwest::Method::GET,
                &format!("/dev/sms-outbox?phone={phone}"),
                None,
            )
            .await?;
        outbox["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["code"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| BstError::new(ErrorKind::NotFound, "no code was sent to that number"))
    }

    /// Moves the platform's clock forward (SMS resend limits, expiries).
    pub fn advance_clock_secs(&self, seconds: u64) {
        if let Some(server) = self
            .server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            server.advance_clock(std::time::Duration::from_secs(seconds));
        }
    }

    /// Makes every access token the platform issued expire now.
    pub async fn expire_access_tokens(&self) -> Result<(), BstError> {
        self.dev(
            reqwest::Method::POST,
            "/dev/auth/expire-access-tokens",
            None,
        )
        .await?;
        Ok(())
    }

    /// How many refresh grants the platform has answered.
    pub async fn refresh_grants(&self) -> Result<u64, BstError> {
        let stats = self
            .dev(reqwest::Method::GET, "/dev/auth-stats", None)
            .await?;
        Ok(stats["refresh_grants"].as_u64().unwrap_or_default())
    }
}

impl ReferencePlatform {
    /// Calls a development route; answers its JSON (null when it has none).
    async fn dev(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, BstError> {
        let url = format!("{}{path}", self.base_url);
        run(async move {
            let mut request = reqwest::Client::new().request(method, url);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request
                .send()
                .await
                .map_err(|e| BstError::new(ErrorKind::Offline, e.to_string()))?;
            if !response.status().is_success() {
                return Err(BstError::new(
                    ErrorKind::InvalidInput,
                    format!("development route refused: HTTP {}", response.status()),
                ));
            }
            let bytes = response.bytes().await.unwrap_or_default();
            Ok(serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
        })
        .await
    }
}

/// Panics inside the core's runtime; the caller must get an Internal error.
#[uniffi::export]
pub async fn testing_panic_in_core() -> Result<(), BstError> {
    run(async { panic!("deliberate panic for the FFI test") }).await
}
