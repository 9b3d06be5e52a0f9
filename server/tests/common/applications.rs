//! Helpers for the forms, applications and drafts tests: a server with one
//! guide per item, a signed-in user, a valid form for 居民身份证换领
//! (`GA001.v1`), submitting and the dev count.

use banshitong_server::TestServer;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::auth::{ID_NUMBER, access_token, sign_in, verify_by_face};
use super::uploads::{Tus, jpeg};
use super::{catalog, client};

/// A dev server whose catalog has one guide of each item (the first 196
/// guides cover every item once). Keep the directory alive with it.
pub async fn start() -> (TestServer, tempfile::TempDir) {
    catalog::start(196).await
}

/// Signs `phone` in by SMS code: (access token, user id).
pub async fn user(server: &TestServer, phone: &str) -> (String, String) {
    let tokens = sign_in(server, phone).await;
    (
        access_token(&tokens).to_owned(),
        tokens["user_id"].as_str().unwrap().to_owned(),
    )
}

/// Every guide of the catalog (first sync, one page).
pub async fn guides(server: &TestServer) -> Vec<Value> {
    let (upserts, _, _, _) = catalog::sync(server, "", 1000).await;
    upserts
}

/// The code of a guide whose form is `schema_id`.
pub async fn guide_for(server: &TestServer, schema_id: &str) -> String {
    guides(server)
        .await
        .into_iter()
        .find(|guide| guide["form_schema_id"] == schema_id)
        .and_then(|guide| guide["code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no guide uses {schema_id}"))
}

/// A complete, valid 居民身份证换领 form (`GA001.v1`) for 张三丰.
pub fn valid_values() -> Value {
    json!({
        "applicant_name": "张三丰",
        "applicant_id_number": ID_NUMBER,
        "address": "昆明市五华区人民中路1号",
        "applicant_mobile": "13800000000",
        "region": "530102",
        "reason": "expired",
        "apply_by_agent": "no",
    })
}

/// Its materials, which the user must hold: the ID card as the electronic
/// licence a verified account has, the household register as two uploaded
/// pages. Verifies the account and uploads the pages the first time; the
/// same bytes again resolve to the same materials, so calling it twice is
/// harmless.
pub async fn held_materials(server: &TestServer, access_token: &str) -> Value {
    verify_by_face(server, access_token).await;
    let licences = licences(server, access_token).await;
    let id_card = licences
        .iter()
        .find(|licence| licence["licence_type"] == "居民身份证")
        .and_then(|licence| licence["id"].as_str())
        .expect("a verified account holds its 居民身份证");
    let tus = Tus {
        base: server.base_url(),
        token: access_token.to_owned(),
    };
    let mut pages = Vec::new();
    for seed in [1, 2] {
        let (_, material_id) = tus.upload(&jpeg(4096, seed), "image/jpeg", 4096).await;
        pages.push(material_id);
    }
    json!([
        {"slot_key": "id_card", "material_refs": [format!("licence:居民身份证:{id_card}")]},
        {"slot_key": "household_register", "material_refs": pages},
    ])
}

/// `GET /api/v1/me/licences`' list.
pub async fn licences(server: &TestServer, access_token: &str) -> Vec<Value> {
    let response = client()
        .get(format!("{}/api/v1/me/licences", server.base_url()))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["licences"].as_array().unwrap().clone()
}

/// A submission body for `guide_code` with `values` and `materials`.
pub fn submission(guide_code: &str, values: Value, materials: &Value) -> Value {
    json!({
        "guide_code": guide_code,
        "schema_id": "GA001.v1",
        "values": values,
        "materials": materials,
    })
}

/// `POST /api/v1/applications` with `Idempotency-Key: key` (none if `None`).
pub async fn submit(
    server: &TestServer,
    access_token: &str,
    key: Option<&str>,
    body: &Value,
) -> Response {
    let mut request = client()
        .post(format!("{}/api/v1/applications", server.base_url()))
        .bearer_auth(access_token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

/// `GET /dev/applications?user=`: how many applications the user has.
pub async fn count(server: &TestServer, user_id: &str) -> u64 {
    let response = client()
        .get(format!("{}/dev/applications", server.base_url()))
        .query(&[("user", user_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let count = body["count"].as_u64().unwrap();
    assert_eq!(body["applications"].as_array().unwrap().len() as u64, count);
    count
}

/// A request to `/api/v1/drafts/{id}` with the user's token.
pub fn draft_request(
    server: &TestServer,
    method: reqwest::Method,
    access_token: &str,
    id: &str,
) -> reqwest::RequestBuilder {
    client()
        .request(method, format!("{}/api/v1/drafts/{id}", server.base_url()))
        .bearer_auth(access_token)
}

/// A draft body for `GA001.v1`.
pub fn draft_body(guide_code: &str, title: &str, values: Value, updated_at_ms: i64) -> Value {
    json!({
        "guide_code": guide_code,
        "schema_id": "GA001.v1",
        "title": title,
        "values": values,
        "materials": [],
        "updated_at_ms": updated_at_ms,
    })
}
