//! Test support for the Kotlin and Swift suites (feature `testing`, never in
//! an app build): the reference platform in-process, fault injection,
//! catalog changes and its snapshot file, the count of applications it
//! stored, what its upload endpoint received, licence revocation, the
//! application workflow driven step by step (and applications seeded in
//! bulk) and the push messages it would have sent, sample material files,
//! and a way to provoke a panic to prove it comes back as an error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use banshitong_server::{ServerConfig, TestServer};
use tempfile::TempDir;

use crate::error::{BstError, ErrorKind};
use crate::runtime::run;

#[derive(uniffi::Object)]
pub struct ReferencePlatform {
    base_url: String,
    server: Mutex<Option<TestServer>>,
    // After the server, so the folder outlives it.
    _data_dir: TempDir,
}

/// One upload as the platform's tus endpoint holds it (`GET /dev/uploads`).
#[derive(uniffi::Record, serde::Deserialize)]
pub struct ServerUpload {
    pub id: String,
    /// The bytes the platform holds.
    pub offset: u64,
    pub length: u64,
    /// Every PATCH body byte it read, kept or discarded: what was re-sent shows here.
    pub received_bytes: u64,
    pub patches: u64,
    pub finished: bool,
    /// Set once finished.
    pub material_id: Option<String>,
}

/// An application after a development step (`advance_application`).
#[derive(uniffi::Record)]
pub struct AdvancedApplication {
    /// The status it is in now, by its wire name (`accepted`, `under_review`, …).
    pub status: String,
    pub change_seq: i64,
}

/// What `mutate_catalog` changed on the platform.
#[derive(uniffi::Record)]
pub struct CatalogMutation {
    pub upserted: Vec<String>,
    pub deleted: Vec<String>,
}

#[uniffi::export]
impl ReferencePlatform {
    /// Starts a reference server with development routes on a free loopback
    /// port, with the default catalog (3,000 guides).
    #[uniffi::constructor]
    pub async fn start() -> Result<Arc<Self>, BstError> {
        Self::start_with_guides(ServerConfig::DEFAULT_CATALOG_GUIDES as u32).await
    }

    /// Like `start`, with a catalog of `guides` generated guides; a few
    /// hundred keep catalog tests fast.
    #[uniffi::constructor]
    pub async fn start_with_guides(guides: u32) -> Result<Arc<Self>, BstError> {
        ignore_broken_pipes();
        run(async move {
            let internal =
                |e: &dyn std::fmt::Display| BstError::new(ErrorKind::Internal, e.to_string());
            let dir = tempfile::Builder::new()
                .prefix("banshitong-server-")
                .tempdir()
                .map_err(|e| internal(&e))?;
            let config = ServerConfig {
                catalog_guides: guides as usize,
                ..ServerConfig::new(dir.path(), true)
            };
            let server = TestServer::start(config).await.map_err(|e| internal(&e))?;
            Ok(Arc::new(Self {
                base_url: server.base_url(),
                server: Mutex::new(Some(server)),
                _data_dir: dir,
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

    /// Bumps the revision of `upserts` random guides and deletes `deletions`
    /// others, so the next sync has deltas and tombstones to apply.
    pub async fn mutate_catalog(
        &self,
        upserts: u32,
        deletions: u32,
    ) -> Result<CatalogMutation, BstError> {
        let body = serde_json::json!({"upserts": upserts, "deletions": deletions});
        let mutated = self
            .dev(reqwest::Method::POST, "/dev/catalog/mutate", Some(body))
            .await?;
        let codes = |key: &str| {
            serde_json::from_value(mutated[key].clone()).map_err(|e| {
                BstError::new(
                    ErrorKind::Protocol,
                    format!("mutate answered no {key}: {e}"),
                )
            })
        };
        Ok(CatalogMutation {
            upserted: codes("upserted")?,
            deleted: codes("deleted")?,
        })
    }

    /// Writes the platform's catalog snapshot (gzip) to `path`, as an app
    /// would ship it; answers its size in bytes.
    pub async fn snapshot_file(&self, path: String) -> Result<u64, BstError> {
        let url = format!("{}/api/v1/catalog/snapshot", self.base_url);
        run(async move {
            let failed =
                |e: &dyn std::fmt::Display| BstError::new(ErrorKind::Offline, e.to_string());
            let gzip = reqwest::get(url)
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| failed(&e))?
                .bytes()
                .await
                .map_err(|e| failed(&e))?;
            tokio::fs::write(&path, &gzip)
                .await
                .map_err(|e| BstError::new(ErrorKind::Storage, e.to_string()))?;
            Ok(gzip.len() as u64)
        })
        .await
    }

    /// How many applications the platform has stored (every user's), so a
    /// test can check that retries and repeated presses made exactly one.
    pub async fn applications_on_server(&self) -> Result<u64, BstError> {
        let listed = self
            .dev(reqwest::Method::GET, "/dev/applications", None)
            .await?;
        listed["count"].as_u64().ok_or_else(|| {
            BstError::new(ErrorKind::Protocol, "/dev/applications answered no count")
        })
    }

    /// Drops every pending fault (`inject_fault`), so requests go through again.
    pub async fn clear_faults(&self) -> Result<(), BstError> {
        self.dev(reqwest::Method::DELETE, "/dev/faults", None)
            .await?;
        Ok(())
    }

    /// Every upload the platform's tus endpoint has (every user's), oldest first.
    pub async fn uploads_on_server(&self) -> Result<Vec<ServerUpload>, BstError> {
        let listed = self.dev(reqwest::Method::GET, "/dev/uploads", None).await?;
        serde_json::from_value(listed["uploads"].clone()).map_err(|e| {
            BstError::new(
                ErrorKind::Protocol,
                format!("/dev/uploads answered no uploads: {e}"),
            )
        })
    }

    /// Expires every unfinished upload now, as time would; answers how many.
    pub async fn expire_uploads(&self) -> Result<u64, BstError> {
        let expired = self
            .dev(reqwest::Method::POST, "/dev/uploads/expire", None)
            .await?;
        expired["expired"].as_u64().ok_or_else(|| {
            BstError::new(ErrorKind::Protocol, "/dev/uploads/expire answered no count")
        })
    }

    /// How many refresh grants the platform has answered.
    pub async fn refresh_grants(&self) -> Result<u64, BstError> {
        let stats = self
            .dev(reqwest::Method::GET, "/dev/auth-stats", None)
            .await?;
        Ok(stats["refresh_grants"].as_u64().unwrap_or_default())
    }

    /// Revokes a licence as its issuing department would: its bit in the
    /// signed status list flips at once.
    pub async fn revoke_licence(&self, licence_id: String) -> Result<(), BstError> {
        let path = format!("/dev/licences/{licence_id}/revoke");
        self.dev(reqwest::Method::POST, &path, None).await?;
        Ok(())
    }

    /// Moves an application one step on as the office would: `action` as
    /// the platform names it (`accept`, `request_supplement`, `approve`, …),
    /// or `None` for the next step of the happy path. An illegal step is
    /// `InvalidInput` (the route's 409).
    pub async fn advance_application(
        &self,
        application_no: String,
        action: Option<String>,
    ) -> Result<AdvancedApplication, BstError> {
        let path = format!("/dev/applications/{application_no}/advance");
        // No action at all (not `null`) asks for the next happy-path step.
        let mut body = serde_json::Map::new();
        if let Some(action) = action {
            body.insert("action".to_owned(), action.into());
        }
        let body = serde_json::Value::Object(body);
        let advanced = self.dev(reqwest::Method::POST, &path, Some(body)).await?;
        let status = advanced["status"].as_str().map(str::to_owned);
        let change_seq = advanced["change_seq"].as_i64();
        match (status, change_seq) {
            (Some(status), Some(change_seq)) => Ok(AdvancedApplication { status, change_seq }),
            _ => Err(BstError::new(
                ErrorKind::Protocol,
                "advance answered no application",
            )),
        }
    }

    /// Gives `user_id` `count` applications at once, each walked through
    /// the workflow to `entries` timeline entries (1: just submitted), as
    /// the sync benchmarks seed them; answers how many were made.
    pub async fn seed_applications(
        &self,
        user_id: String,
        count: u32,
        entries: u32,
    ) -> Result<u32, BstError> {
        let body = serde_json::json!({"user_id": user_id, "count": count, "entries": entries});
        let seeded = self
            .dev(reqwest::Method::POST, "/dev/applications/seed", Some(body))
            .await?;
        seeded["created"]
            .as_u64()
            .and_then(|created| u32::try_from(created).ok())
            .ok_or_else(|| BstError::new(ErrorKind::Protocol, "seed answered no count"))
    }

    /// The push data messages (FCM/APNs) the platform would have sent to
    /// `user_id`'s devices, oldest first, each as its flat string map.
    pub async fn push_outbox(
        &self,
        user_id: String,
    ) -> Result<Vec<HashMap<String, String>>, BstError> {
        let path = format!("/dev/push-outbox?user_id={user_id}");
        let outbox = self.dev(reqwest::Method::GET, &path, None).await?;
        let messages = outbox["messages"].as_array().ok_or_else(|| {
            BstError::new(ErrorKind::Protocol, "/dev/push-outbox answered no messages")
        })?;
        messages
            .iter()
            .map(|message| {
                serde_json::from_value(message["data"].clone()).map_err(|e| {
                    BstError::new(
                        ErrorKind::Protocol,
                        format!("a push message is not a string map: {e}"),
                    )
                })
            })
            .collect()
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

/// A Rust program ignores SIGPIPE before `main`; the process these suites
/// run in need not (the JVM does, a Swift test process on Linux does not).
/// There, a write to a connection the other side has just closed — the
/// server sending an event down a live stream the client dropped: vectored
/// socket writes do not pass MSG_NOSIGNAL — would kill the whole test run
/// instead of failing that one write with EPIPE, as it does in the server's
/// own binary.
fn ignore_broken_pipes() {
    #[cfg(unix)]
    // SAFETY: SIG_IGN installs no handler code; it only sets the signal's
    // disposition, which nothing else in a test process relies on.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Writes a PDF of exactly `size_bytes` (at least 64) to `path`: a real
/// header and trailer around filler that `seed` varies, so two seeds make two
/// different files (two sha256s) and one seed the same file. PDFs pass
/// preparation unchanged, so the upload is `size_bytes` long.
#[uniffi::export]
pub fn testing_write_sample_pdf(path: String, size_bytes: u64, seed: u64) -> Result<(), BstError> {
    const HEAD: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    const TAIL: &[u8] = b"\n%%EOF\n";
    let size = usize::try_from(size_bytes)
        .ok()
        .filter(|&size| size >= 64)
        .ok_or_else(|| {
            BstError::new(
                ErrorKind::InvalidInput,
                "a sample PDF takes 64 bytes at least",
            )
        })?;
    let mut bytes = Vec::with_capacity(size);
    bytes.extend_from_slice(HEAD);
    // Comment lines of letters from a small xorshift generator: the same
    // for the same seed, different for another.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while bytes.len() < size - TAIL.len() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.push(match bytes.len() % 64 {
            0 => b'%',
            63 => b'\n',
            _ => b'a' + (state % 26) as u8,
        });
    }
    bytes.extend_from_slice(TAIL);
    std::fs::write(&path, &bytes).map_err(|e| BstError::new(ErrorKind::Storage, e.to_string()))
}

/// Writes the sample phone photo to `path`: a JPEG taken sideways (EXIF
/// orientation 6) with GPS coordinates in its EXIF, as a phone camera makes
/// it (the `bst demo` photo). Answers its size in bytes.
#[uniffi::export]
pub fn testing_write_sample_photo(path: String) -> Result<u64, BstError> {
    const PHOTO: &[u8] = include_bytes!("../../cli/assets/sideways-gps-photo.jpg");
    std::fs::write(&path, PHOTO).map_err(|e| BstError::new(ErrorKind::Storage, e.to_string()))?;
    Ok(PHOTO.len() as u64)
}

/// Panics inside the core's runtime; the caller must get an Internal error.
#[uniffi::export]
pub async fn testing_panic_in_core() -> Result<(), BstError> {
    run(async { panic!("deliberate panic for the FFI test") }).await
}
