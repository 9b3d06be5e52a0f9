//! Helpers for the forms, applications and drafts tests: a server with one
//! guide per item, a signed-in user, a valid form for 居民身份证换领
//! (`GA001.v1`), submitting and the dev count.

use banshitong_server::TestServer;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::auth::{ID_NUMBER, access_token, sign_in};
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

/// Its materials: the ID card as a held electronic licence, the household
/// register as an upload (uploads don't exist yet; any well-formed id is
/// accepted).
pub fn valid_materials() -> Value {
    json!([
        {"slot_key": "id_card", "material_refs": ["licence:居民身份证:L530102001"]},
        {"slot_key": "household_register", "material_refs": ["upload_7f3a", "upload_7f3b"]},
    ])
}

/// A submission body for `guide_code` with `values`.
pub fn submission(guide_code: &str, values: Value) -> Value {
    json!({
        "guide_code": guide_code,
        "schema_id": "GA001.v1",
        "values": values,
        "materials": valid_materials(),
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
