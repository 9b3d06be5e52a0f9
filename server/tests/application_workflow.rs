//! The application workflow over HTTP: every transition through the dev
//! advance route and the illegal ones (409 naming what is allowed), the
//! happy path to a licence delivered into the licence library, withdrawal,
//! the supplement round with its idempotency, ETags, the push outbox, and
//! the dev routes being absent without `--dev`.

mod common;

use std::time::Duration;

use banshitong_server::TestServer;
use common::applications::licences;
use common::workflow::{
    Applicant, advance, advance_raw, answer, applicant, application, get, get_if_changed,
    push_outbox, start_with_heartbeat, submit_one, uuid_like, withdraw,
};
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

async fn start() -> (TestServer, tempfile::TempDir) {
    start_with_heartbeat(Duration::from_secs(15)).await
}

fn kinds(application: &Value) -> Vec<String> {
    application["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn illegal(server: &TestServer, no: &str, action: &str) -> Value {
    let response = advance_raw(server, no, json!({ "action": action })).await;
    assert_problem(response, StatusCode::CONFLICT, "illegal-transition").await
}

#[tokio::test]
async fn the_happy_path_ends_with_a_signed_licence_in_the_library() {
    let (server, _dir) = start().await;
    let me = applicant(&server, "13800000101").await;
    let no = submit_one(&server, &me).await;

    let submitted = application(&server, &me.token, &no).await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(
        submitted["department_name"].as_str().map(str::is_empty),
        Some(false)
    );
    assert_eq!(submitted["deadlines"], Value::Null);
    assert_eq!(submitted["can_withdraw"], true);
    assert_eq!(kinds(&submitted), ["submitted"]);
    // The single read carries the answers; the feed doesn't.
    assert!(submitted["values"].is_object());

    let before = licences(&server, &me.token).await.len();
    let mut statuses = Vec::new();
    loop {
        let response = advance_raw(&server, &no, Value::Null).await;
        if response.status() == StatusCode::CONFLICT {
            let problem =
                assert_problem(response, StatusCode::CONFLICT, "illegal-transition").await;
            assert_eq!(problem["current_status"], "delivered");
            assert_eq!(problem["allowed"], json!([]));
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
        let step: Value = response.json().await.unwrap();
        statuses.push(step["status"].as_str().unwrap().to_owned());
        if step["status"] == "accepted" {
            let deadlines = &step["deadlines"];
            assert!(
                deadlines["promised_due_at"]
                    .as_str()
                    .unwrap()
                    .ends_with("T23:59:59+08:00")
            );
            assert!(
                deadlines["legal_due_at"].as_str().unwrap()
                    >= deadlines["promised_due_at"].as_str().unwrap()
            );
        }
        if step["needs_action"] == "fee" {
            // 居民身份证换领 costs 20 yuan: completing waits for the payment.
            assert_eq!(step["fee"]["amount_fen"], 2000);
            assert_eq!(step["fee"]["paid_at"], Value::Null);
            let problem = illegal(&server, &no, "complete").await;
            assert_eq!(problem["allowed"], json!(["pay_fee"]));
        }
    }
    assert_eq!(
        statuses,
        [
            "accepted",
            "under_review",
            "decided",
            "decided",
            "completed",
            "delivered"
        ]
    );
    let done = application(&server, &me.token, &no).await;
    assert_eq!(
        kinds(&done),
        [
            "submitted",
            "accepted",
            "review_started",
            "approved",
            "fee_paid",
            "completed",
            "delivered"
        ]
    );
    assert_eq!(done["decision"]["outcome"], "approved");
    assert!(done["fee"]["paid_at"].is_string());
    assert!(done["completed_at"].is_string());
    assert_eq!(done["needs_action"], Value::Null);
    assert_eq!(done["can_withdraw"], false);
    assert_eq!(done["delivery"]["method"], "licence");
    assert_eq!(done["delivery"]["licence_type"], "居民身份证");
    let seqs: Vec<i64> = done["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6, 7]);

    // The new licence is in the library, signed, beside the one the
    // identity came with.
    let after = licences(&server, &me.token).await;
    assert_eq!(after.len(), before + 1);
    let delivered = after
        .iter()
        .find(|licence| licence["id"] == done["delivery"]["licence_id"])
        .expect("the delivered licence is listed");
    assert_eq!(delivered["licence_type"], "居民身份证");
    assert_eq!(delivered["status"], "valid");
    assert!(
        delivered["cose"]
            .as_str()
            .is_some_and(|cose| !cose.is_empty())
    );

    // Every step left one push hint, with no personal data.
    let outbox = push_outbox(&server, &me.user_id).await;
    assert_eq!(outbox.len(), 7);
    let last = &outbox[6]["data"];
    assert_eq!(
        last,
        &json!({
            "bst": "1", "kind": "application_changed", "user": me.user_id,
            "application_no": no, "status": "delivered",
            "change_seq": done["change_seq"].as_i64().unwrap().to_string(),
        })
    );
}

#[tokio::test]
async fn every_other_transition_and_the_refusals() {
    let (server, _dir) = start().await;
    let me = applicant(&server, "13800000102").await;

    // submitted: only accept / not_accept (and the applicant's withdraw).
    let no = submit_one(&server, &me).await;
    for action in [
        "request_supplement",
        "start_review",
        "approve",
        "refuse",
        "pay_fee",
        "complete",
        "deliver_courier",
        "deliver_licence",
    ] {
        let problem = illegal(&server, &no, action).await;
        assert_eq!(problem["current_status"], "submitted");
        assert_eq!(problem["action"], action);
        assert_eq!(
            problem["allowed"],
            json!(["accept", "not_accept", "withdraw"])
        );
    }
    let refused = advance_raw(
        &server,
        &no,
        json!({"action": "not_accept", "reasons": ["材料不齐全"], "comment": "不予受理"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::OK);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["status"], "not_accepted");
    assert_eq!(refused["deadlines"], Value::Null);
    assert_eq!(
        refused["timeline"][1]["details"]["reasons"],
        json!(["材料不齐全"])
    );
    assert_eq!(refused["timeline"][1]["comment"], "不予受理");
    assert_eq!(illegal(&server, &no, "accept").await["allowed"], json!([]));

    // accepted → under_review → refused → completed, and no delivery.
    let no = submit_one(&server, &me).await;
    advance(&server, &no, Some("accept")).await;
    for action in ["accept", "approve", "complete"] {
        assert_eq!(
            illegal(&server, &no, action).await["allowed"],
            json!(["request_supplement", "start_review", "withdraw"])
        );
    }
    advance(&server, &no, Some("start_review")).await;
    assert_eq!(
        illegal(&server, &no, "start_review").await["allowed"],
        json!(["request_supplement", "approve", "refuse"])
    );
    let decided = advance_raw(
        &server,
        &no,
        json!({"action": "refuse", "reasons": ["不符合换领条件"]}),
    )
    .await;
    let decided: Value = decided.json().await.unwrap();
    assert_eq!(decided["decision"]["outcome"], "refused");
    assert_eq!(decided["decision"]["reasons"], json!(["不符合换领条件"]));
    assert_eq!(decided["needs_action"], Value::Null);
    assert_eq!(
        illegal(&server, &no, "pay_fee").await["allowed"],
        json!(["complete"])
    );
    let completed = advance(&server, &no, None).await;
    assert_eq!(completed["status"], "completed");
    assert_eq!(
        illegal(&server, &no, "deliver_courier").await["allowed"],
        json!([])
    );
    assert_eq!(
        advance_raw(&server, &no, Value::Null).await.status(),
        StatusCode::CONFLICT
    );

    // Approved and paid, then delivered by courier with a tracking number.
    let no = submit_one(&server, &me).await;
    for action in ["accept", "start_review", "approve", "pay_fee", "complete"] {
        advance(&server, &no, Some(action)).await;
    }
    let delivered = advance_raw(
        &server,
        &no,
        json!({"action": "deliver_courier", "carrier": "顺丰速运", "tracking_no": "SF1234567890"}),
    )
    .await;
    let delivered: Value = delivered.json().await.unwrap();
    assert_eq!(
        delivered["delivery"],
        json!({"method": "courier", "carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    );

    // An unknown action and an unknown number.
    let response = advance_raw(&server, &no, json!({"action": "fly"})).await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    let response = advance_raw(&server, "YN2026010100000000", Value::Null).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}

#[tokio::test]
async fn withdrawing_is_allowed_early_refused_late_and_harmless_twice() {
    let (server, _dir) = start().await;
    let me = applicant(&server, "13800000103").await;
    let other = applicant(&server, "13800000104").await;

    let no = submit_one(&server, &me).await;
    advance(&server, &no, Some("accept")).await;
    // Not someone else's to withdraw (or see).
    assert_eq!(
        withdraw(&server, &other.token, &no).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&server, &other.token, &no).await.status(),
        StatusCode::NOT_FOUND
    );

    let response = withdraw(&server, &me.token, &no).await;
    assert_eq!(response.status(), StatusCode::OK);
    let withdrawn: Value = response.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["can_withdraw"], false);
    assert_eq!(withdrawn["deadlines"], Value::Null);
    assert_eq!(withdrawn["timeline"][2]["kind"], "withdrawn");
    assert_eq!(withdrawn["timeline"][2]["details"]["reason"], "不需要了");

    // A retry changes nothing.
    let again = withdraw(&server, &me.token, &no).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["change_seq"], withdrawn["change_seq"]);
    assert_eq!(again["timeline"].as_array().unwrap().len(), 3);
    assert_eq!(
        illegal(&server, &no, "start_review").await["allowed"],
        json!([])
    );

    // Under review it is too late.
    let no = submit_one(&server, &me).await;
    advance(&server, &no, Some("accept")).await;
    advance(&server, &no, Some("start_review")).await;
    let problem = assert_problem(
        withdraw(&server, &me.token, &no).await,
        StatusCode::CONFLICT,
        "illegal-transition",
    )
    .await;
    assert_eq!(problem["current_status"], "under_review");
    assert_eq!(problem["action"], "withdraw");
    assert!(problem["detail"].as_str().unwrap().contains("under_review"));

    // Withdrawing needs no body at all.
    let no = submit_one(&server, &me).await;
    let response = client()
        .post(format!(
            "{}/api/v1/applications/{no}/withdraw",
            server.base_url()
        ))
        .bearer_auth(&me.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Requests a supplement of the household register; returns its request_seq.
async fn request_supplement(server: &TestServer, no: &str) -> i64 {
    let response = advance_raw(
        server,
        no,
        json!({"action": "request_supplement", "comment": "请补正",
               "materials": [{"key": "household_register", "reason": "户口簿照片模糊"}]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let waiting: Value = response.json().await.unwrap();
    assert_eq!(waiting["status"], "supplement_required");
    assert_eq!(waiting["needs_action"], "supplement");
    assert_eq!(waiting["can_withdraw"], true);
    let supplement = &waiting["supplement"];
    assert_eq!(supplement["comment"], "请补正");
    assert_eq!(supplement["materials"][0]["key"], "household_register");
    assert_eq!(supplement["materials"][0]["name"], "户口簿");
    assert_eq!(supplement["materials"][0]["reason"], "户口簿照片模糊");
    supplement["request_seq"].as_i64().unwrap()
}

fn household_pages(me: &Applicant) -> Value {
    me.materials
        .as_array()
        .unwrap()
        .iter()
        .find(|fill| fill["slot_key"] == "household_register")
        .unwrap()["material_refs"]
        .clone()
}

#[tokio::test]
async fn a_supplement_round_end_to_end() {
    let (server, _dir) = start().await;
    let me = applicant(&server, "13800000105").await;
    let no = submit_one(&server, &me).await;
    advance(&server, &no, Some("accept")).await;
    let request_seq = request_supplement(&server, &no).await;
    assert_eq!(request_seq, 3, "the seq of its timeline entry");
    // The happy path waits for the applicant.
    let problem = assert_problem(
        advance_raw(&server, &no, Value::Null).await,
        StatusCode::CONFLICT,
        "illegal-transition",
    )
    .await;
    assert_eq!(problem["allowed"], json!(["withdraw", "answer_supplement"]));

    let pages = household_pages(&me);
    let body = json!({"request_seq": request_seq, "comment": "已重新拍照",
                      "materials": [{"slot_key": "household_register", "material_refs": pages}]});

    // Wrong request: 409. Nothing filled: 422 naming the key. Not mine: 422.
    let wrong = json!({"request_seq": request_seq + 1, "materials": body["materials"]});
    let problem = assert_problem(
        answer(&server, &me.token, &no, &uuid_like(), &wrong).await,
        StatusCode::CONFLICT,
        "illegal-transition",
    )
    .await;
    assert_eq!(problem["action"], "answer_supplement");
    let empty = json!({"request_seq": request_seq, "materials": [{"slot_key": "household_register", "material_refs": []}]});
    let problem = assert_problem(
        answer(&server, &me.token, &no, &uuid_like(), &empty).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "supplement-incomplete",
    )
    .await;
    assert_eq!(problem["missing"], json!(["household_register"]));
    let foreign = json!({"request_seq": request_seq, "materials": [{"slot_key": "household_register", "material_refs": ["mat_not_mine"]}]});
    let problem = assert_problem(
        answer(&server, &me.token, &no, &uuid_like(), &foreign).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "bad_material_ref");
    assert_eq!(problem["errors"][0]["path"], "materials.household_register");
    // No key: 400.
    let response = client()
        .post(format!(
            "{}/api/v1/applications/{no}/supplement",
            server.base_url()
        ))
        .bearer_auth(&me.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(
        response,
        StatusCode::BAD_REQUEST,
        "idempotency-key-required",
    )
    .await;

    // The answer, then its retry, then the key with another body.
    let key = uuid_like();
    let first = answer(&server, &me.token, &no, &key, &body).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_bytes = first.bytes().await.unwrap();
    let answered: Value = serde_json::from_slice(&first_bytes).unwrap();
    assert_eq!(answered["status"], "under_review");
    assert_eq!(answered["supplement"], Value::Null);
    assert_eq!(answered["needs_action"], Value::Null);
    let entry = &answered["timeline"][3];
    assert_eq!(entry["kind"], "supplement_answered");
    assert_eq!(entry["comment"], "已重新拍照");
    assert_eq!(entry["details"]["request_seq"], request_seq);
    let retry = answer(&server, &me.token, &no, &key, &body).await;
    assert_eq!(retry.status(), StatusCode::OK);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.bytes().await.unwrap(), first_bytes);
    let other_body =
        json!({"request_seq": request_seq, "materials": body["materials"], "comment": "另一个"});
    assert_problem(
        answer(&server, &me.token, &no, &key, &other_body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
    )
    .await;
    // Answering again with a new key: the request is closed.
    assert_problem(
        answer(&server, &me.token, &no, &uuid_like(), &body).await,
        StatusCode::CONFLICT,
        "illegal-transition",
    )
    .await;
    assert_eq!(
        application(&server, &me.token, &no).await["timeline"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Under review a second request may come, and the rest follows.
    let second = request_supplement(&server, &no).await;
    assert_eq!(second, 5);
    let body = json!({"request_seq": second, "materials": [{"slot_key": "household_register", "material_refs": household_pages(&me)}]});
    assert_eq!(
        answer(&server, &me.token, &no, &uuid_like(), &body)
            .await
            .status(),
        StatusCode::OK
    );
    let decided = advance(&server, &no, None).await;
    assert_eq!(decided["decision"]["outcome"], "approved");
}

#[tokio::test]
async fn the_etag_is_the_change_seq() {
    let (server, _dir) = start().await;
    let me = applicant(&server, "13800000106").await;
    let no = submit_one(&server, &me).await;
    let response = get(&server, &me.token, &no).await;
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", body["change_seq"]));
    let cached = get_if_changed(&server, &me.token, &no, &etag).await;
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    advance(&server, &no, None).await;
    let changed = get_if_changed(&server, &me.token, &no, &etag).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), etag);
}

#[tokio::test]
async fn without_dev_the_workflow_routes_do_not_exist() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    for path in [
        "/dev/applications/YN2026010100000000/advance",
        "/dev/applications/YN2026010100000000/archive",
        "/dev/applications/compact",
        "/dev/applications/seed",
    ] {
        let response = client()
            .post(format!("{}{path}", server.base_url()))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    }
    let response = client()
        .get(format!("{}/dev/push-outbox?user_id=u_1", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}
