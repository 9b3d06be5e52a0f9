//! The reference server against an independent tus client: tus-js-client
//! (Node.js) uploads a few MB in several chunks, stops after the first as
//! a killed app would, and a second session resumes from the upload URL.
//! Needs `BST_TUS_INTEROP_DIR` (scripts/toolchain/tus-interop.sh).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::uploads::{Tus, dev_upload, jpeg, sha256_hex, start};
use reqwest::StatusCode;
use serde_json::Value;

const CHUNK: usize = 512 * 1024;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/tus/upload-with-tus-js-client.cjs")
}

fn interop_dir() -> String {
    std::env::var("BST_TUS_INTEROP_DIR").unwrap_or_else(|_| {
        panic!(
            "BST_TUS_INTEROP_DIR is not set: run `export BST_TUS_INTEROP_DIR=\"$(bash \
             scripts/toolchain/tus-interop.sh)\"` first (it installs tus-js-client)"
        )
    })
}

#[tokio::test]
async fn tus_js_client_uploads_and_resumes_to_the_reference_server() {
    let interop = interop_dir();
    let (server, dir) = start().await;
    let tus = Tus::sign_in(&server, "13800000001").await;
    let file = jpeg(3 * 1024 * 1024 + 12_345, 42);
    let path = dir.path().join("证件照.jpg");
    std::fs::write(&path, &file).unwrap();

    let (endpoint, token) = (tus.endpoint(), tus.token.clone());
    // The server runs on this test's runtime; node waits on the blocking pool.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script())
            .arg(&endpoint)
            .arg(&path)
            .arg("image/jpeg")
            .arg(CHUNK.to_string())
            .env("BST_TUS_INTEROP_DIR", interop)
            .env("BST_TUS_TOKEN", token)
            .output()
            .expect("running node (is Node.js installed?)")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "tus-js-client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();

    let url = result["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}up_", tus.endpoint())), "{url}");
    assert_eq!(result["first_offset"], CHUNK);
    assert_eq!(result["resumed_from"], CHUNK);
    let requests: Vec<&str> = result["resumed_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(requests[0], "HEAD 200");
    assert_eq!(requests.len(), 1 + (file.len() - CHUNK).div_ceil(CHUNK));
    assert!(
        requests[1..].iter().all(|r| *r == "PATCH 204"),
        "{requests:?}"
    );
    assert_eq!(result["sha256"], sha256_hex(&file));

    // The material is in the library with the file's bytes.
    let material_id = result["material_id"].as_str().unwrap();
    let materials = tus.materials().await;
    assert_eq!(materials.len(), 1);
    assert_eq!(materials[0]["id"], material_id);
    assert_eq!(materials[0]["sha256"], sha256_hex(&file));
    assert_eq!(materials[0]["filename"], "证件照.jpg");
    assert_eq!(materials[0]["media_type"], "jpeg");
    let content = tus.content(material_id).await;
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(
        sha256_hex(&content.bytes().await.unwrap()),
        sha256_hex(&file)
    );

    // Resuming re-sent nothing the server already had.
    let dev = dev_upload(&server, url).await;
    assert_eq!(dev["finished"], true);
    assert_eq!(dev["received_bytes"], file.len());
    assert!(dev["patches"].as_u64().unwrap() >= 7);
}
