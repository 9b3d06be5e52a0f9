//! What the materials tests share: files to upload, the platform's view of
//! uploads and materials, and a signed-in client with test-sized chunks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use banshitong_core::materials::{AddMaterial, Materials, UploadItem, UploadProgress, UploadState};
use banshitong_core::platform::{MemorySecretStore, SecretStore};
use banshitong_core::{Client, ClientConfig};
use banshitong_server::TestServer;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::{access_token, quick_retries, sign_in};

/// Small chunks, so a few megabytes make many requests.
pub const CHUNK: u64 = 256 * 1024;

pub struct Phone {
    pub client: Client,
    pub materials: Materials,
    pub secrets: Arc<MemorySecretStore>,
    pub dir: TempDir,
}

pub fn config(api: &str, dir: &Path) -> ClientConfig {
    let mut config = ClientConfig::new(api, dir);
    config.retry = quick_retries(3);
    config.uploads.chunk_bytes = CHUNK;
    config
}

pub fn client_at(api: &str, dir: &Path, secrets: Arc<dyn SecretStore>) -> Client {
    Client::new(config(api, dir), secrets).expect("client builds")
}

/// A phone signed in as `phone_number`, talking to the platform at `api`
/// (the server itself, or a proxy in front of it).
pub async fn phone(server: &TestServer, api: &str, phone_number: &str) -> Phone {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let client = client_at(api, dir.path(), secrets.clone());
    sign_in(server, &client, phone_number).await;
    let materials = client.materials().await.unwrap();
    Phone {
        client,
        materials,
        secrets,
        dir,
    }
}

/// What to add for the file at `path`, with nothing else asked.
pub fn file(path: &Path) -> AddMaterial {
    AddMaterial::file(path.to_string_lossy())
}

impl Phone {
    /// Queues the file at `path`, which the queue must take.
    pub async fn add(&self, path: &Path) -> UploadItem {
        self.materials.add(file(path)).await.unwrap()
    }

    /// Writes a new PDF of `len` bytes into the phone's folder and queues
    /// it: the queued item and the file's bytes.
    pub async fn add_pdf(&self, name: &str, len: usize) -> (UploadItem, Vec<u8>) {
        let (path, bytes) = write_pdf(self.dir.path(), name, len);
        (self.add(&path).await, bytes)
    }

    /// Queues the file at `path` and waits until its upload ends.
    pub async fn upload(&self, path: &Path) -> UploadItem {
        let item = self.add(path).await;
        finished(&self.materials, &item.id).await
    }
}

/// A PDF of `len` bytes (random inside, so every file is new).
pub fn pdf_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes[..9].copy_from_slice(b"%PDF-1.7\n");
    let end = b"\n%%EOF\n";
    bytes[len - end.len()..].copy_from_slice(end);
    bytes
}

pub fn write_pdf(dir: &Path, name: &str, len: usize) -> (PathBuf, Vec<u8>) {
    let bytes = pdf_bytes(len);
    let path = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, Clone, Deserialize)]
pub struct DevUpload {
    pub id: String,
    pub offset: u64,
    pub length: u64,
    pub received_bytes: u64,
    pub patches: u64,
    pub finished: bool,
    #[serde(default)]
    pub expired: bool,
    #[serde(default)]
    pub material_id: Option<String>,
}

impl DevUpload {
    /// The bytes the platform received more than once.
    pub fn resent_bytes(&self) -> u64 {
        self.received_bytes - self.length
    }
}

/// `GET /dev/uploads`: every upload the platform has (oldest first).
pub async fn dev_uploads(server: &TestServer) -> Vec<DevUpload> {
    #[derive(Deserialize)]
    struct List {
        uploads: Vec<DevUpload>,
    }
    reqwest::get(format!("{}/dev/uploads", server.base_url()))
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json::<List>()
        .await
        .unwrap()
        .uploads
}

/// `POST /dev/uploads/expire`: how many unfinished uploads expired.
pub async fn expire_uploads(server: &TestServer) -> u64 {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/dev/uploads/expire", server.base_url()))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    body["expired"].as_u64().unwrap()
}

/// A material's bytes as the platform serves them to the user whose
/// session `secrets` keeps.
pub async fn material_content(server: &TestServer, secrets: &dyn SecretStore, id: &str) -> Vec<u8> {
    let token = access_token(secrets);
    reqwest::Client::new()
        .get(format!(
            "{}/api/v1/materials/{id}/content",
            server.base_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// The sha256 of a material's bytes as the platform serves them.
pub async fn content_sha256(server: &TestServer, secrets: &MemorySecretStore, id: &str) -> String {
    sha256_hex(&material_content(server, secrets, id).await)
}

/// Asserts that the upload ended done and that the platform holds `bytes`
/// as its material.
pub async fn assert_platform_holds(
    server: &TestServer,
    secrets: &MemorySecretStore,
    done: &UploadItem,
    bytes: &[u8],
) {
    assert_eq!(
        content_sha256(server, secrets, &material_ref(done)).await,
        sha256_hex(bytes),
        "the platform holds the file intact"
    );
}

pub fn material_ref(item: &UploadItem) -> String {
    match &item.state {
        UploadState::Done { material_ref, .. } => material_ref.clone(),
        other => panic!("not done: {other:?}"),
    }
}

/// Waits (at most a minute) for the item to end.
pub async fn finished(materials: &Materials, id: &str) -> UploadItem {
    tokio::time::timeout(Duration::from_secs(60), materials.wait(id.to_owned()))
        .await
        .expect("the upload ends within a minute")
        .unwrap()
}

/// Waits (at most a minute) until the item's progress satisfies `until`.
pub async fn progress_until(
    materials: &Materials,
    id: &str,
    until: impl Fn(&UploadProgress) -> bool,
) -> UploadProgress {
    let mut watch = materials.watch_upload(id.to_owned()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let progress = watch.next().await.expect("progress goes on");
            if until(&progress) {
                return progress;
            }
        }
    })
    .await
    .expect("the upload got there within a minute")
}

/// Waits (at most a minute) until the item waits to try again.
pub async fn retry_waiting(materials: &Materials, id: &str) -> UploadProgress {
    progress_until(materials, id, |p| {
        matches!(p.state, UploadState::RetryWaiting { .. })
    })
    .await
}

/// Prepared files still waiting in the user's materials folder.
pub fn prepared_files(data_dir: &Path) -> Vec<PathBuf> {
    let root = data_dir.join("materials");
    let mut files = Vec::new();
    for user in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(user.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            files.push(file.path());
        }
    }
    files
}

/// A proxy that delays every answer by `latency` (and never cuts): uploads
/// take long enough to pause, cancel or kill them half way.
pub async fn slow_proxy(server: &TestServer, latency: Duration) -> super::proxy::Proxy {
    use super::proxy::{Faults, Mode, Proxy};
    let proxy = Proxy::start(server.addr()).await;
    proxy.set_faults(Faults {
        min_bytes_before_cut: u64::MAX / 2,
        max_bytes_before_cut: u64::MAX / 2,
        latency,
    });
    proxy.set(Mode::Faulty);
    proxy
}

/// The one upload the platform has.
pub async fn only_upload(server: &TestServer) -> DevUpload {
    let mut uploads = dev_uploads(server).await;
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    uploads.remove(0)
}

/// Asserts that the platform's one upload got at most one chunk twice;
/// the upload.
pub async fn assert_at_most_one_chunk_resent(server: &TestServer) -> DevUpload {
    let upload = only_upload(server).await;
    assert!(
        upload.resent_bytes() <= CHUNK,
        "at most one chunk sent again: {upload:?}"
    );
    upload
}
