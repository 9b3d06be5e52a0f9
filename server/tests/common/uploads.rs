//! Helpers for the upload and material tests: a small dev server, a tus
//! client written out request by request (so each test sees every header
//! and status), files that are (or aren't) JPEG, PNG or PDF by content.

use banshitong_server::{ServerConfig, TestServer};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::auth::{access_token, sign_in};
use super::client;

pub const TUS: &str = "1.0.0";

/// An access-token lifetime longer than any clock jump of the tests.
pub const LONG_TOKENS: std::time::Duration = std::time::Duration::from_secs(60 * 24 * 3600);

/// A dev server with a one-guide catalog (uploads don't need more).
pub async fn start() -> (TestServer, tempfile::TempDir) {
    start_with(|config| config).await
}

/// Like [`start`] with `tweak` applied to the config.
pub async fn start_with(
    tweak: impl FnOnce(ServerConfig) -> ServerConfig,
) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = tweak(ServerConfig {
        catalog_guides: 1,
        // Tests move the clock by days to expire uploads; the token stays.
        access_token_ttl: LONG_TOKENS,
        ..ServerConfig::new(dir.path(), true)
    });
    (TestServer::start(config).await.unwrap(), dir)
}

/// [`start`], with a tus client signed in as `phone`.
pub async fn start_signed_in(phone: &str) -> (TestServer, tempfile::TempDir, Tus) {
    let (server, dir) = start().await;
    let tus = Tus::sign_in(&server, phone).await;
    (server, dir, tus)
}

/// A tus client for one signed-in user.
pub struct Tus {
    pub base: String,
    pub token: String,
}

impl Tus {
    /// Signs `phone` in on `server`.
    pub async fn sign_in(server: &TestServer, phone: &str) -> Tus {
        let tokens = sign_in(server, phone).await;
        Tus::with_token(server, access_token(&tokens))
    }

    /// A client for `server` sending `token`.
    pub fn with_token(server: &TestServer, token: &str) -> Tus {
        Tus {
            base: server.base_url(),
            token: token.to_owned(),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("{}/api/v1/uploads/", self.base)
    }

    /// An absolute URL for a `Location` (absolute path or URL).
    pub fn url(&self, location: &str) -> String {
        if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location.to_owned()
        }
    }

    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        client()
            .request(method, url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", TUS)
    }

    /// POST with `Upload-Length` and `Upload-Metadata`.
    pub async fn create(&self, length: u64, metadata: &str) -> Response {
        let mut request = self
            .request(reqwest::Method::POST, &self.endpoint())
            .header("Upload-Length", length);
        if !metadata.is_empty() {
            request = request.header("Upload-Metadata", metadata);
        }
        request.send().await.unwrap()
    }

    /// POST that must succeed; the upload's absolute URL.
    pub async fn created(&self, length: u64, metadata: &str) -> String {
        let response = self.create(length, metadata).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        self.url(header(&response, "location"))
    }

    /// POST for `file` that must succeed: its length, and metadata with
    /// `filename`, `filetype` and its sha256. The upload's absolute URL.
    pub async fn created_for(&self, file: &[u8], filename: &str, filetype: &str) -> String {
        self.created(
            file.len() as u64,
            &metadata(filename, filetype, Some(&sha256_hex(file))),
        )
        .await
    }

    pub async fn head(&self, url: &str) -> Response {
        self.request(reqwest::Method::HEAD, url)
            .send()
            .await
            .unwrap()
    }

    /// The upload's offset, from a HEAD that must answer 200.
    pub async fn offset(&self, url: &str) -> u64 {
        let response = self.head(url).await;
        assert_eq!(response.status(), StatusCode::OK);
        header(&response, "upload-offset").parse().unwrap()
    }

    pub async fn patch(
        &self,
        url: &str,
        offset: u64,
        bytes: &[u8],
        checksum: Option<&str>,
    ) -> Response {
        let mut request = self
            .request(reqwest::Method::PATCH, url)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset)
            .body(bytes.to_vec());
        if let Some(checksum) = checksum {
            request = request.header("Upload-Checksum", checksum);
        }
        request.send().await.unwrap()
    }

    /// PATCH without a checksum that must answer 204.
    pub async fn patched(&self, url: &str, offset: u64, bytes: &[u8]) -> Response {
        let response = self.patch(url, offset, bytes, None).await;
        assert_eq!(
            response.status(),
            StatusCode::NO_CONTENT,
            "PATCH at {offset}"
        );
        response
    }

    pub async fn delete(&self, url: &str) -> Response {
        self.request(reqwest::Method::DELETE, url)
            .send()
            .await
            .unwrap()
    }

    /// Uploads `bytes` in `chunk`-sized PATCHes with sha256 checksums;
    /// returns the upload URL and the `Material-Id` of the last answer.
    pub async fn upload(&self, bytes: &[u8], filetype: &str, chunk: usize) -> (String, String) {
        let url = self.created_for(bytes, "file", filetype).await;
        let mut offset = 0;
        let mut material_id = None;
        for piece in bytes.chunks(chunk) {
            let response = self
                .patch(&url, offset, piece, Some(&sha256_checksum(piece)))
                .await;
            assert_eq!(
                response.status(),
                StatusCode::NO_CONTENT,
                "PATCH at {offset}"
            );
            offset += piece.len() as u64;
            assert_eq!(header(&response, "upload-offset"), offset.to_string());
            material_id = response
                .headers()
                .get("material-id")
                .map(|v| v.to_str().unwrap().to_owned());
        }
        (url, material_id.expect("the last PATCH names the material"))
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = client()
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or_default())
    }

    /// `GET /api/v1/materials`' list.
    pub async fn materials(&self) -> Vec<Value> {
        let (status, body) = self.get_json("/api/v1/materials").await;
        assert_eq!(status, StatusCode::OK);
        body["materials"].as_array().unwrap().clone()
    }

    /// `GET /api/v1/materials/by-sha256/{sha256}`.
    pub async fn by_sha256(&self, sha256: &str) -> (StatusCode, Value) {
        self.get_json(&format!("/api/v1/materials/by-sha256/{sha256}"))
            .await
    }

    /// The bytes of a material.
    pub async fn content(&self, material_id: &str) -> Response {
        client()
            .get(format!(
                "{}/api/v1/materials/{material_id}/content",
                self.base
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }
}

/// The id of the upload at `url`, its last segment.
pub fn upload_id(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

/// Where the server keeps the bytes of the upload at `url`.
pub fn upload_file(server: &TestServer, url: &str) -> std::path::PathBuf {
    server.data_dir().join("uploads").join(upload_id(url))
}

/// How many files the server's data folder `folder` holds.
pub fn files_in(server: &TestServer, folder: &str) -> usize {
    std::fs::read_dir(server.data_dir().join(folder))
        .unwrap()
        .count()
}

/// A header's value as text (panics when missing).
pub fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// `Upload-Metadata` with a file name, a MIME type and optionally a sha256.
pub fn metadata(filename: &str, filetype: &str, sha256: Option<&str>) -> String {
    let mut pairs = vec![
        format!("filename {}", STANDARD.encode(filename)),
        format!("filetype {}", STANDARD.encode(filetype)),
    ];
    if let Some(sha256) = sha256 {
        pairs.push(format!("sha256 {}", STANDARD.encode(sha256)));
    }
    pairs.join(",")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn sha256_checksum(bytes: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)))
}

pub fn sha1_checksum(bytes: &[u8]) -> String {
    format!("sha1 {}", STANDARD.encode(Sha1::digest(bytes)))
}

/// Deterministic filler: `len` bytes from a small LCG seeded with `seed`.
pub fn filler(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        })
        .collect()
}

fn with_magic(magic: &[u8], len: usize, seed: u64) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    bytes.extend(filler(len.saturating_sub(magic.len()), seed));
    bytes
}

/// A file that is a JPEG by its first bytes.
pub fn jpeg(len: usize, seed: u64) -> Vec<u8> {
    with_magic(&[0xFF, 0xD8, 0xFF, 0xE0], len, seed)
}

pub fn png(len: usize, seed: u64) -> Vec<u8> {
    with_magic(b"\x89PNG\r\n\x1a\n", len, seed)
}

pub fn pdf(len: usize, seed: u64) -> Vec<u8> {
    with_magic(b"%PDF-1.7\n", len, seed)
}

/// Bytes that are none of the accepted types (a ZIP's magic first).
pub fn not_a_material(len: usize, seed: u64) -> Vec<u8> {
    with_magic(b"PK\x03\x04", len, seed)
}

/// `GET /dev/uploads`' list.
pub async fn dev_uploads(server: &TestServer) -> Vec<Value> {
    let response = client()
        .get(format!("{}/dev/uploads", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["uploads"].as_array().unwrap().clone()
}

/// The dev view of the upload at `url`.
pub async fn dev_upload(server: &TestServer, url: &str) -> Value {
    let id = upload_id(url);
    dev_uploads(server)
        .await
        .into_iter()
        .find(|upload| upload["id"] == id)
        .unwrap_or_else(|| panic!("no upload {id} in /dev/uploads"))
}

/// `POST /dev/uploads/expire`: how many expired.
pub async fn expire_all(server: &TestServer) -> u64 {
    let response = client()
        .post(format!("{}/dev/uploads/expire", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["expired"].as_u64().unwrap()
}
