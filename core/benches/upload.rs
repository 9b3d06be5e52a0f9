//! Upload throughput (issue 7's figure): a 50 MB file sent on loopback to
//! the reference server by the core's upload queue (tus, chunked PATCHes
//! with a sha256 each) and by `curl` (one PATCH of the whole file to an
//! upload created the same way), alternating in the same run so both see
//! the same machine. Both end with the server's whole-file check.
//! Target: the core at >= 80% of curl's rate.
//!
//!     cargo bench -p banshitong-core --bench upload
//!
//! `BST_BENCH_RUNS` sets the runs per contender (default 7) and
//! `BST_BENCH_CHUNKS_MIB` the chunk sizes the core is measured with
//! (comma separated; 0 is adaptive; default: the configured default only).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use banshitong_core::materials::{AddMaterial, Materials, UploadState};
use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig, UploadSettings};
use banshitong_server::TestServer;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[path = "../tests/common/mod.rs"]
mod common;

const SIZE: usize = 50 * 1000 * 1000;

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes[..9].copy_from_slice(b"%PDF-1.7\n");
    bytes[len - 7..].copy_from_slice(b"\n%%EOF\n");
    bytes
}

fn mb_per_s(bytes: usize, took: Duration) -> f64 {
    bytes as f64 / 1e6 / took.as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// curl: the upload is created with the same metadata (so the server
/// checks the same sha256 at the end), then one PATCH carries every byte.
async fn curl_upload(server: &TestServer, token: &str, path: &Path, bytes: &[u8]) -> Duration {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let metadata = format!(
        "filename {},filetype {},sha256 {}",
        BASE64.encode("bench.pdf"),
        BASE64.encode("application/pdf"),
        BASE64.encode(&sha256)
    );
    let created = reqwest::Client::new()
        .post(format!("{}/api/v1/uploads/", server.base_url()))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let url = reqwest::Url::parse(&server.base_url())
        .unwrap()
        .join(&location)
        .unwrap();
    let started = Instant::now();
    let output = Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "PATCH",
        ])
        .args(["-H", "Tus-Resumable: 1.0.0"])
        .args(["-H", "Content-Type: application/offset+octet-stream"])
        .args(["-H", "Upload-Offset: 0"])
        // No "Expect: 100-continue" round trip: the core does not wait for one either.
        .args(["-H", "Expect:"])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .arg("--data-binary")
        .arg(format!("@{}", path.display()))
        .arg(url.as_str())
        .output()
        .expect("curl runs");
    let took = started.elapsed();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "204",
        "curl's PATCH completes the upload: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// The core: from the item being queued to the platform naming its material.
async fn core_upload(materials: &Materials, path: &Path) -> Duration {
    let item = materials
        .add(AddMaterial::file(path.to_string_lossy()))
        .await
        .unwrap();
    let started = Instant::now();
    let done = materials.wait(item.id).await.unwrap();
    let took = started.elapsed();
    assert!(
        matches!(done.state, UploadState::Done { .. }),
        "{:?}",
        done.state
    );
    took
}

fn main() {
    let runs: usize = std::env::var("BST_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let default_chunk = UploadSettings::default().chunk_bytes;
    let chunks: Vec<u64> = std::env::var("BST_BENCH_CHUNKS_MIB")
        .ok()
        .map(|list| {
            list.split(',')
                .map(|mib| (mib.trim().parse::<f64>().unwrap() * 1048576.0) as u64)
                .collect()
        })
        .unwrap_or_else(|| vec![default_chunk]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(common::dev_server());
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("bench.pdf");

    println!(
        "\nupload of {:.0} MB on loopback, {runs} runs each, median rates:",
        SIZE as f64 / 1e6
    );
    for (n, chunk) in chunks.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::new());
        let mut config = ClientConfig::new(server.base_url(), dir.path());
        config.uploads.chunk_bytes = *chunk;
        let client = Client::new(config, secrets.clone()).unwrap();
        let phone = format!("1330000{:04}", n);
        let materials = runtime.block_on(async {
            common::sign_in(&server, &client, &phone).await;
            client.materials().await.unwrap()
        });
        let token = common::stored_session(&secrets)["tokens"]["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let (mut core, mut curl) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            // A new file each time: the platform would reuse one it holds.
            let bytes = pdf(SIZE);
            std::fs::write(&file, &bytes).unwrap();
            curl.push(mb_per_s(
                SIZE,
                runtime.block_on(curl_upload(&server, &token, &file, &bytes)),
            ));
            let bytes = pdf(SIZE);
            std::fs::write(&file, &bytes).unwrap();
            core.push(mb_per_s(
                SIZE,
                runtime.block_on(core_upload(&materials, &file)),
            ));
        }
        let (core, curl) = (median(core), median(curl));
        let chunks = match chunk {
            0 => "adaptive (1-8 MiB)".to_owned(),
            bytes => format!("{:.2} MiB", *bytes as f64 / 1048576.0),
        };
        println!(
            "  chunks {chunks:>18}: core {core:7.1} MB/s, curl {curl:7.1} MB/s, ratio {:.2}",
            core / curl
        );
    }
}
