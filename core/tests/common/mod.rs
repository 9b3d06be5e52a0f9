//! Shared test setup: a real reference server on a loopback port, and a
//! client with its own temporary data folder.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use banshitong_core::http::RetryPolicy;
use banshitong_core::platform::{MemorySecretStore, SecretStore};
use banshitong_core::{Client, ClientConfig};
use banshitong_server::TestServer;
use tempfile::TempDir;

pub mod applications;
pub mod licences;
pub mod materials;
pub mod photos;
pub mod proxy;

/// Waits until the draft leaves the outbox.
pub async fn settled(
    drafts: &banshitong_core::drafts::Drafts,
    id: &str,
) -> banshitong_core::drafts::Draft {
    let mut watch = drafts.watch_draft(id.to_owned());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let draft = tokio::time::timeout_at(deadline, watch.next())
            .await
            .expect("the outbox delivers in time")
            .unwrap();
        if draft.state != banshitong_core::drafts::DraftState::Submitting {
            return draft;
        }
    }
}

pub async fn dev_server() -> TestServer {
    TestServer::start_in_temp_dir(true)
        .await
        .expect("reference server starts")
}

/// Fast retries so tests don't wait for production back-off.
pub fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

pub struct TestClient {
    pub client: Client,
    pub secrets: Arc<MemorySecretStore>,
    pub dir: TempDir,
}

pub fn client_for(base_url: &str) -> TestClient {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let client = client_in(base_url, &dir, secrets.clone());
    TestClient {
        client,
        secrets,
        dir,
    }
}

pub fn client_in(base_url: &str, dir: &TempDir, secrets: Arc<dyn SecretStore>) -> Client {
    let mut config = ClientConfig::new(base_url, dir.path());
    config.retry = quick_retries(3);
    Client::new(config, secrets).expect("client builds")
}

/// Makes the next `count` requests under `path_prefix` answer `status`.
pub async fn inject_fault(
    server: &TestServer,
    path_prefix: &str,
    status: u16,
    count: u32,
    retry_after_secs: Option<u64>,
) {
    let response = reqwest::Client::new()
        .post(format!("{}/dev/faults", server.base_url()))
        .json(&serde_json::json!({
            "path_prefix": path_prefix,
            "status": status,
            "count": count,
            "retry_after_secs": retry_after_secs,
        }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "fault injection accepted");
}

/// Polls `done` until it holds; fails the test naming `what` after 10 s.
pub async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done().await {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// `GET /dev/{path}?{query}` on the dev server, as JSON.
pub async fn dev_get(server: &TestServer, path: &str, query: &[(&str, &str)]) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{}/dev/{path}", server.base_url()))
        .query(query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// How many requests the server has seen under `path_prefix`.
pub async fn requests_seen(server: &TestServer, path_prefix: &str) -> u64 {
    let body = dev_get(server, "requests", &[("path_prefix", path_prefix)]).await;
    body["count"].as_u64().unwrap()
}

/// The newest SMS code the dev server "texted" to `phone`.
pub async fn sms_code(server: &TestServer, phone: &str) -> String {
    let body = dev_get(server, "sms-outbox", &[("phone", phone)]).await;
    body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["code"].as_str())
        .expect("a code was sent")
        .to_owned()
}

/// Signs `client` in as `phone` by SMS code, registering the number if new.
pub async fn sign_in(
    server: &TestServer,
    client: &Client,
    phone: &str,
) -> banshitong_core::auth::Profile {
    client.auth().send_sms_code(phone).await.unwrap();
    let code = sms_code(server, phone).await;
    client.auth().sign_in_with_sms(phone, &code).await.unwrap()
}

/// How many refresh grants the server has answered.
pub async fn refresh_grants(server: &TestServer) -> u64 {
    let body: serde_json::Value = reqwest::get(format!("{}/dev/auth-stats", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["refresh_grants"].as_u64().unwrap()
}

/// Makes every access token the server issued expire now.
pub async fn expire_access_tokens(server: &TestServer) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/dev/auth/expire-access-tokens",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// The session JSON the core keeps in the secret store (tokens included).
pub fn stored_session(secrets: &MemorySecretStore) -> serde_json::Value {
    session_in(secrets)
}

/// [`stored_session`] for any secret store.
pub fn session_in(secrets: &dyn SecretStore) -> serde_json::Value {
    let bytes = secrets.get("session").unwrap().expect("a stored session");
    serde_json::from_slice(&bytes).unwrap()
}

/// The access token of the session `secrets` keeps, to call the platform
/// as the signed-in user.
pub fn access_token(secrets: &dyn SecretStore) -> String {
    session_in(secrets)["tokens"]["access_token"]
        .as_str()
        .expect("a stored access token")
        .to_owned()
}

/// This test binary run again as a child process for its ignored test
/// `name` alone: its stdout is piped (the child reports there), its stderr
/// dropped. Add the child's environment, then spawn.
pub fn test_child(name: &str) -> std::process::Command {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--ignored",
            "--exact",
            name,
            "--nocapture",
            "--test-threads=1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    command
}

/// A dev server whose fresh database gets `guides` generated guides. Keep
/// the directory alive as long as the server.
pub async fn catalog_server(guides: usize) -> (TestServer, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = banshitong_server::ServerConfig {
        catalog_guides: guides,
        ..banshitong_server::ServerConfig::new(dir.path(), true)
    };
    (TestServer::start(config).await.unwrap(), dir)
}

/// `POST /dev/catalog/mutate`: the codes (upserted, deleted).
pub async fn mutate_catalog(
    server: &TestServer,
    upserts: usize,
    deletions: usize,
) -> (Vec<String>, Vec<String>) {
    let mutated: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/dev/catalog/mutate", server.base_url()))
        .json(&serde_json::json!({"upserts": upserts, "deletions": deletions}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        serde_json::from_value(mutated["upserted"].clone()).unwrap(),
        serde_json::from_value(mutated["deleted"].clone()).unwrap(),
    )
}

/// `POST /dev/catalog/compact`: old cursors answer 410 from now on.
pub async fn compact_catalog(server: &TestServer) {
    reqwest::Client::new()
        .post(format!("{}/dev/catalog/compact", server.base_url()))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// The platform's gzip snapshot, as a file an app could ship.
pub async fn snapshot_file(server: &TestServer) -> Vec<u8> {
    reqwest::Client::new()
        .get(format!("{}/api/v1/catalog/snapshot", server.base_url()))
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

/// Every guide the platform holds, parsed.
pub async fn all_guides(server: &TestServer) -> Vec<banshitong_core::catalog::Guide> {
    #[derive(serde::Deserialize)]
    struct Snapshot {
        guides: Vec<banshitong_core::catalog::Guide>,
    }
    let gzip = snapshot_file(server).await;
    let snapshot: Snapshot =
        serde_json::from_reader(flate2::read::GzDecoder::new(&gzip[..])).unwrap();
    snapshot.guides
}

/// Makes the next request under `path_prefix` answer 200 with a broken
/// body: `"truncate"` (cut in half) or `"malformed"` (JSON of the wrong shape).
pub async fn inject_broken_body(server: &TestServer, path_prefix: &str, mode: &str) {
    reqwest::Client::new()
        .post(format!("{}/dev/faults", server.base_url()))
        .json(&serde_json::json!({"path_prefix": path_prefix, "body": mode}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

// ---- drafts ----

use banshitong_core::drafts::{Draft, Drafts};
use banshitong_core::materials::{AddMaterial, UploadState};
use banshitong_forms::{FieldKind, FieldSpec, FormSchema};
use serde_json::{Value, json};

pub fn spec<'a>(fields: &'a [FieldSpec], path: &str) -> Option<&'a FieldSpec> {
    let mut parts = path.split('.');
    let first = parts.next()?.split('[').next()?;
    let field = fields.iter().find(|f| f.key == first)?;
    match (parts.next(), &field.kind) {
        (Some(rest), FieldKind::Group { fields, .. }) => spec(fields, rest),
        (None, _) => Some(field),
        _ => None,
    }
}

/// A valid answer for a field of this kind.
pub fn valid(kind: &FieldKind) -> Value {
    match kind {
        FieldKind::Text => json!("测试内容"),
        FieldKind::Number { .. } => json!(1),
        FieldKind::Date => json!("2020-01-01"),
        FieldKind::SingleChoice { options } => json!(options[0].value),
        FieldKind::MultipleChoice { options } => json!([options[0].value]),
        FieldKind::Region => json!("530102"),
        FieldKind::IdNumber => json!("11010519491231002X"),
        FieldKind::CreditCode => json!("91350100M000100Y43"),
        FieldKind::Mobile => json!("13800000000"),
        FieldKind::Address => json!("昆明市五华区人民路1号"),
        FieldKind::Group { .. } => json!([{}]),
    }
}

/// Fills the draft in; its material slots get a small PDF uploaded first,
/// since the platform accepts only materials the applicant holds.
pub async fn fill_until_valid(client: &Client, drafts: &Drafts, draft: &Draft) {
    let files = tempfile::tempdir().unwrap();
    let pdf = files.path().join("scan.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    )
    .unwrap();
    let materials = client.materials().await.unwrap();
    let item = materials
        .add(AddMaterial::file(pdf.to_str().unwrap()))
        .await
        .unwrap();
    let done = materials.wait(item.id).await.unwrap();
    let UploadState::Done { material_ref, .. } = done.state else {
        panic!("the scan was not uploaded: {:?}", done.state);
    };
    let schema = drafts.schema(draft.id.clone()).await.unwrap();
    fill_valid(drafts, draft, &schema, &material_ref).await;
}

/// Answers whatever the validator asks for until the draft is valid. Every
/// material slot gets `material_ref`, a material the user holds on the
/// platform (which checks that at submission; a licence slot takes a scan
/// too).
pub async fn fill_valid(drafts: &Drafts, draft: &Draft, schema: &FormSchema, material_ref: &str) {
    for _ in 0..40 {
        let errors = drafts.validate(draft.id.clone()).await.unwrap();
        let Some(error) = errors.first() else { return };
        if let Some(slot) = error.path.strip_prefix("materials.") {
            let slot = schema.slot(slot).unwrap();
            let reference = material_ref.to_owned();
            drafts
                .set_materials(draft.id.clone(), slot.key.clone(), vec![reference])
                .await
                .unwrap();
            continue;
        }
        let field = spec(&schema.fields, &error.path)
            .unwrap_or_else(|| panic!("no field for {}", error.path));
        let value = if matches!(field.kind, FieldKind::Group { .. }) {
            json!([{}])
        } else {
            valid(&field.kind)
        };
        drafts
            .set_field(draft.id.clone(), error.path.clone(), value.to_string())
            .await
            .unwrap();
    }
    panic!(
        "still invalid: {:?}",
        drafts.validate(draft.id.clone()).await.unwrap()
    );
}
