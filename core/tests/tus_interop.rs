//! The core's tus client against an independent tus server: @tus/server
//! with @tus/file-store (Node.js, interop/tus/tus-server.cjs). A file goes
//! up in chunks, an upload cut off mid-transfer by the network resumes
//! from the offset that server reports, and the bytes it stored are the
//! file's. Needs BST_TUS_INTEROP_DIR (scripts/toolchain/tus-interop.sh).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use banshitong_core::http::{Endpoint, HttpClient};
use banshitong_core::materials::tus::{self, ChunkSize, TusClient, TusError, UploadMetadata};
use common::proxy::{Faults, Mode, Proxy};
use common::quick_retries;
use rand::RngCore;

/// @tus/server in a child process; stopped when dropped.
struct NodeTusServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl NodeTusServer {
    fn start() -> Self {
        let interop = std::env::var("BST_TUS_INTEROP_DIR").unwrap_or_else(|_| {
            panic!(
                "BST_TUS_INTEROP_DIR is not set: run \
                 `export BST_TUS_INTEROP_DIR=\"$(scripts/toolchain/tus-interop.sh)\"` first"
            )
        });
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interop/tus/tus-server.cjs");
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(&script)
            .arg(dir.path())
            .arg("0")
            .env("BST_TUS_INTEROP_DIR", interop)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("@tus/server did not start: {line:?}"));
        Self { child, port, dir }
    }

    fn addr(&self) -> std::net::SocketAddr {
        format!("127.0.0.1:{}", self.port).parse().unwrap()
    }

    /// The bytes @tus/server stored for the upload at `url`.
    fn stored(&self, url: &url::Url) -> Vec<u8> {
        let id = url.path_segments().unwrap().next_back().unwrap();
        std::fs::read(self.dir.path().join(id)).unwrap()
    }
}

impl Drop for NodeTusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tus_client(base: &str) -> TusClient {
    let http = HttpClient::new(
        Endpoint::parse(base).unwrap(),
        Duration::from_secs(30),
        Duration::from_secs(5),
        quick_retries(3),
    )
    .unwrap();
    TusClient::anonymous(http, &format!("{base}/files/")).unwrap()
}

fn random_file(dir: &Path, len: usize) -> (PathBuf, Vec<u8>) {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes[..8].copy_from_slice(b"%PDF-1.7");
    let path = dir.join("file.pdf");
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

fn metadata(bytes: &[u8]) -> UploadMetadata {
    use sha2::Digest;
    UploadMetadata {
        filename: "营业执照.pdf".to_owned(),
        filetype: "application/pdf".to_owned(),
        sha256: Some(hex::encode(sha2::Sha256::digest(bytes))),
    }
}

#[tokio::test]
async fn uploads_in_chunks_to_tus_node_server() {
    let server = NodeTusServer::start();
    let client = tus_client(&format!("http://127.0.0.1:{}", server.port));
    let work = tempfile::tempdir().unwrap();
    let (path, bytes) = random_file(work.path(), 3 * 1024 * 1024 + 123);

    let url = client
        .create(bytes.len() as u64, &metadata(&bytes))
        .await
        .unwrap();
    tus::send_file(&client, &url, path, ChunkSize::Fixed(512 * 1024))
        .await
        .unwrap();

    let status = client.status(&url).await.unwrap();
    assert_eq!(status.offset, bytes.len() as u64);
    assert_eq!(status.length, Some(bytes.len() as u64));
    assert!(server.stored(&url) == bytes, "stored bytes differ");
}

#[tokio::test]
async fn resumes_after_the_network_cut_the_transfer() {
    let server = NodeTusServer::start();
    let proxy = Proxy::start(server.addr()).await;
    let client = tus_client(&proxy.url());
    let work = tempfile::tempdir().unwrap();
    let (path, bytes) = random_file(work.path(), 4 * 1024 * 1024);
    let url = client
        .create(bytes.len() as u64, &metadata(&bytes))
        .await
        .unwrap();

    // The network dies somewhere in the second megabyte.
    proxy.set_faults(Faults {
        min_bytes_before_cut: 1024 * 1024,
        max_bytes_before_cut: 2 * 1024 * 1024,
        latency: Duration::from_millis(1),
    });
    proxy.set(Mode::Faulty);
    let cut = tus::send_file(&client, &url, path.clone(), ChunkSize::Adaptive).await;
    assert!(
        matches!(cut, Err(TusError::Transient { .. })),
        "the cut is a transient failure: {cut:?}"
    );
    assert!(proxy.cuts() >= 1);
    proxy.set(Mode::Pass);

    // A new client (as after an app restart) asks where the upload stands
    // and sends only the rest.
    let resumed = tus_client(&proxy.url());
    let held = resumed.status(&url).await.unwrap().offset;
    assert!(
        held < bytes.len() as u64,
        "the cut left the upload unfinished"
    );
    tus::send_file(&resumed, &url, path, ChunkSize::Fixed(1024 * 1024))
        .await
        .unwrap();
    assert_eq!(
        resumed.status(&url).await.unwrap().offset,
        bytes.len() as u64
    );
    assert!(server.stored(&url) == bytes, "stored bytes differ");
}

#[tokio::test]
async fn terminated_uploads_are_gone() {
    let server = NodeTusServer::start();
    let client = tus_client(&format!("http://127.0.0.1:{}", server.port));
    let bytes = b"%PDF-1.7 small".to_vec();
    let url = client
        .create(bytes.len() as u64, &metadata(&bytes))
        .await
        .unwrap();
    client.terminate(&url).await.unwrap();
    assert!(matches!(client.status(&url).await, Err(TusError::Gone)));
    // Dropping what is already gone is no error.
    client.terminate(&url).await.unwrap();
}
