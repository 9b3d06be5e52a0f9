//! `/api/v1/drafts`: drafts a user continues on another phone, written
//! conditionally on their revision, deleted as tombstones.

mod common;

use common::applications::{draft_body, draft_request, start, user, valid_values};
use common::{assert_problem, client};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const ID: &str = "0b6f1c9e-5a0f-4f7e-9d57-2f1d3c1e8a42";
const GUIDE: &str = "GA001-530102";

async fn list(server: &banshitong_server::TestServer, token: &str, since: Option<i64>) -> Value {
    let mut request = client()
        .get(format!("{}/api/v1/drafts", server.base_url()))
        .bearer_auth(token);
    if let Some(since) = since {
        request = request.query(&[("since_ms", since)]);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn etag(response: &reqwest::Response) -> String {
    response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn create_update_stale_write_and_delete_from_two_phones() {
    let (server, _dir) = start().await;
    let (phone_a, _) = user(&server, "13800000001").await;
    // The same user on a second phone: another sign-in.
    server.advance_clock(std::time::Duration::from_secs(61));
    let (phone_b, _) = user(&server, "13800000001").await;

    // Phone A creates the draft.
    let created = draft_request(&server, Method::PUT, &phone_a, ID)
        .header(header::IF_NONE_MATCH, "*")
        .json(&draft_body(
            GUIDE,
            "换领身份证",
            json!({"applicant_name": "张三丰"}),
            1_000,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(etag(&created), "\"1\"");
    assert_eq!(
        created.headers()[header::LOCATION],
        format!("/api/v1/drafts/{ID}")
    );
    let draft: Value = created.json().await.unwrap();
    assert_eq!(draft["id"], ID);
    assert_eq!(draft["revision"], 1);
    assert_eq!(draft["deleted"], false);
    assert_eq!(draft["title"], "换领身份证");
    assert_eq!(draft["updated_at_ms"], 1_000);
    assert_eq!(draft["values"]["applicant_name"], "张三丰");
    assert_eq!(draft["application_no"], Value::Null);
    let created_at = draft["synced_at_ms"].as_i64().unwrap();

    // Creating it again is refused.
    let again = draft_request(&server, Method::PUT, &phone_b, ID)
        .header(header::IF_NONE_MATCH, "*")
        .json(&draft_body(GUIDE, "x", json!({}), 1_001))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(again, StatusCode::PRECONDITION_FAILED, "revision-mismatch").await;
    assert_eq!(problem["current_revision"], 1);

    // Phone B lists, reads and continues it.
    let listed = list(&server, &phone_b, None).await;
    assert_eq!(listed["drafts"].as_array().unwrap().len(), 1);
    assert_eq!(listed["drafts"][0]["revision"], 1);
    let since = listed["server_time_ms"].as_i64().unwrap();
    assert!(since >= created_at);
    let read = draft_request(&server, Method::GET, &phone_b, ID)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let tag = etag(&read);
    assert_eq!(tag, "\"1\"");
    let unchanged = draft_request(&server, Method::GET, &phone_b, ID)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    server.advance_clock(std::time::Duration::from_secs(5));
    let updated = draft_request(&server, Method::PUT, &phone_b, ID)
        .header(header::IF_MATCH, &tag)
        .json(&draft_body(GUIDE, "换领身份证", valid_values(), 2_000))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(etag(&updated), "\"2\"");
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["revision"], 2);
    assert_eq!(updated["values"], valid_values());

    // Phone A, still at revision 1, is told and can fetch the current one.
    let stale = draft_request(&server, Method::PUT, &phone_a, ID)
        .header(header::IF_MATCH, "\"1\"")
        .json(&draft_body(GUIDE, "旧的", json!({}), 1_500))
        .send()
        .await
        .unwrap();
    assert_eq!(etag(&stale), "\"2\"");
    let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "revision-mismatch").await;
    assert_eq!(problem["current_revision"], 2);
    assert_eq!(problem["deleted"], false);
    let current: Value = draft_request(&server, Method::GET, &phone_a, ID)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current, updated);
    // Phone A's sync since its last list sees the change.
    let changed = list(&server, &phone_a, Some(since)).await;
    assert_eq!(changed["drafts"][0]["revision"], 2);

    // A stale delete is refused too; a current one leaves a tombstone.
    let stale_delete = draft_request(&server, Method::DELETE, &phone_a, ID)
        .header(header::IF_MATCH, "\"1\"")
        .send()
        .await
        .unwrap();
    assert_problem(
        stale_delete,
        StatusCode::PRECONDITION_FAILED,
        "revision-mismatch",
    )
    .await;
    let since = list(&server, &phone_a, None).await["server_time_ms"]
        .as_i64()
        .unwrap();
    server.advance_clock(std::time::Duration::from_secs(5));
    let deleted = draft_request(&server, Method::DELETE, &phone_a, ID)
        .header(header::IF_MATCH, "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(etag(&deleted), "\"3\"");
    let tombstone: Value = deleted.json().await.unwrap();
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["revision"], 3);
    assert_eq!(tombstone["values"], json!({}));
    assert_eq!(tombstone["title"], Value::Null);

    // Phone B learns of it from the list, and reading it says deleted.
    let changed = list(&server, &phone_b, Some(since)).await;
    let drafts = changed["drafts"].as_array().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0]["id"], ID);
    assert_eq!(drafts[0]["deleted"], true);
    let read: Value = draft_request(&server, Method::GET, &phone_b, ID)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["deleted"], true);
    // Deleting again changes nothing; an edit on the stale revision fails.
    let twice = draft_request(&server, Method::DELETE, &phone_b, ID)
        .header(header::IF_MATCH, "\"3\"")
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::OK);
    assert_eq!(etag(&twice), "\"3\"");
    let late_edit = draft_request(&server, Method::PUT, &phone_b, ID)
        .header(header::IF_MATCH, "\"2\"")
        .json(&draft_body(GUIDE, "x", json!({}), 3_000))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(
        late_edit,
        StatusCode::PRECONDITION_FAILED,
        "revision-mismatch",
    )
    .await;
    assert_eq!(problem["deleted"], true);
    assert_eq!(problem["current_revision"], 3);
    // Writing on the tombstone's revision (the user chose to keep their
    // copy after seeing the deletion) brings the draft back.
    let restored = draft_request(&server, Method::PUT, &phone_b, ID)
        .header(header::IF_MATCH, "\"3\"")
        .json(&draft_body(GUIDE, "换领身份证", valid_values(), 3_000))
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::OK);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!(
        (restored["revision"].as_i64(), restored["deleted"].as_bool()),
        (Some(4), Some(false))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn another_users_draft_is_404() {
    let (server, _dir) = start().await;
    let (owner, _) = user(&server, "13800000001").await;
    let (other, _) = user(&server, "13800000002").await;
    let created = draft_request(&server, Method::PUT, &owner, ID)
        .header(header::IF_NONE_MATCH, "*")
        .json(&draft_body(GUIDE, "我的草稿", json!({}), 1))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    for request in [
        draft_request(&server, Method::GET, &other, ID),
        draft_request(&server, Method::DELETE, &other, ID).header(header::IF_MATCH, "\"1\""),
        draft_request(&server, Method::PUT, &other, ID)
            .header(header::IF_MATCH, "\"1\"")
            .json(&draft_body(GUIDE, "偷改", json!({}), 2)),
    ] {
        assert_problem(
            request.send().await.unwrap(),
            StatusCode::NOT_FOUND,
            "not-found",
        )
        .await;
    }
    assert!(
        list(&server, &other, None).await["drafts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The owner's draft is untouched.
    let mine: Value = draft_request(&server, Method::GET, &owner, ID)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["revision"], 1);
    assert_eq!(mine["title"], "我的草稿");
    server.shutdown().await;
}

#[tokio::test]
async fn writes_must_be_conditional_and_well_formed() {
    let (server, _dir) = start().await;
    let (token, _) = user(&server, "13800000001").await;
    let body = draft_body(GUIDE, "草稿", json!({}), 1);

    let unconditional = draft_request(&server, Method::PUT, &token, ID)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(
        unconditional,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let delete = draft_request(&server, Method::DELETE, &token, ID)
        .send()
        .await
        .unwrap();
    assert_problem(
        delete,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;

    for request in [
        draft_request(&server, Method::PUT, &token, ID)
            .header(header::IF_MATCH, "\"1\"")
            .header(header::IF_NONE_MATCH, "*")
            .json(&body),
        draft_request(&server, Method::PUT, &token, ID)
            .header(header::IF_MATCH, "W/\"1\"")
            .json(&body),
        draft_request(&server, Method::PUT, &token, ID)
            .header(header::IF_NONE_MATCH, "\"1\"")
            .json(&body),
        draft_request(&server, Method::PUT, &token, "not-a-uuid")
            .header(header::IF_NONE_MATCH, "*")
            .json(&body),
        draft_request(&server, Method::GET, &token, "not-a-uuid"),
    ] {
        assert_problem(
            request.send().await.unwrap(),
            StatusCode::BAD_REQUEST,
            "bad-request",
        )
        .await;
    }

    // Updating a draft that doesn't exist: 404, create it instead.
    let missing = draft_request(&server, Method::PUT, &token, ID)
        .header(header::IF_MATCH, "\"1\"")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(missing, StatusCode::NOT_FOUND, "not-found").await;

    // Shape: values must be an object, the title one short line.
    let mut bad = body.clone();
    bad["values"] = json!([]);
    let mut long_title = body.clone();
    long_title["title"] = json!("长".repeat(101));
    for body in [bad, long_title] {
        let response = draft_request(&server, Method::PUT, &token, ID)
            .header(header::IF_NONE_MATCH, "*")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable-content",
        )
        .await;
    }

    // An upper-case id (as iOS writes UUIDs) names the same draft.
    let upper = draft_request(&server, Method::PUT, &token, &ID.to_uppercase())
        .header(header::IF_NONE_MATCH, "*")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(upper.status(), StatusCode::CREATED);
    let draft: Value = upper.json().await.unwrap();
    assert_eq!(draft["id"], ID);
    let lower = draft_request(&server, Method::GET, &token, ID)
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);

    let anonymous = client()
        .get(format!("{}/api/v1/drafts", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let bad_since = client()
        .get(format!(
            "{}/api/v1/drafts?since_ms=yesterday",
            server.base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(bad_since, StatusCode::BAD_REQUEST, "bad-request").await;
    server.shutdown().await;
}
