//! `POST /api/v1/applications` and `GET /api/v1/applications/{no}`: the
//! platform validates again, numbers the application and makes retries
//! with one `Idempotency-Key` harmless.

mod common;

use std::time::Duration;

use common::applications::{
    count, draft_body, draft_request, guide_for, held_materials, start, submission, submit, user,
    valid_values,
};
use common::{assert_problem, client};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const KEY: &str = "3c8e6f0a-7d1b-4c2e-9f5a-0b1c2d3e4f50";

fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            (
                e["path"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn is_application_no(no: &str) -> bool {
    no.len() == 18 && no.starts_with("YN") && no[2..].bytes().all(|b| b.is_ascii_digit())
}

#[tokio::test]
async fn a_valid_form_is_submitted_numbered_and_read_back_by_its_owner_only() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;

    let response = submit(
        &server,
        &token,
        Some(KEY),
        &submission(
            &guide,
            valid_values(),
            &held_materials(&server, &token).await,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers().get("idempotent-replayed").is_none());
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let receipt: Value = response.json().await.unwrap();
    let no = receipt["application_no"].as_str().unwrap();
    assert!(is_application_no(no), "{no}");
    assert_eq!(location, format!("/api/v1/applications/{no}"));
    assert_eq!(receipt["status"], "submitted");
    assert_eq!(receipt["guide_code"], guide.as_str());
    assert_eq!(receipt["draft_id"], Value::Null);
    assert!(receipt["submitted_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(count(&server, &user_id).await, 1);

    let read = client()
        .get(format!("{}{location}", server.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let application: Value = read.json().await.unwrap();
    assert_eq!(application["application_no"], no);
    assert_eq!(application["status"], "submitted");
    assert_eq!(application["schema_id"], "GA001.v1");
    assert_eq!(application["guide_name"], "居民身份证换领");
    assert_eq!(application["values"], valid_values());
    assert_eq!(application["materials"][0]["slot_key"], "id_card");

    // Another user, an unknown number and no token.
    let (other, _) = user(&server, "13800000002").await;
    for (token, path) in [
        (Some(other.as_str()), location.clone()),
        (
            Some(token.as_str()),
            "/api/v1/applications/YN2026010100000000".to_owned(),
        ),
        (
            Some(token.as_str()),
            "/api/v1/applications/nonsense".to_owned(),
        ),
    ] {
        let mut request = client().get(format!("{}{path}", server.base_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        assert_problem(
            request.send().await.unwrap(),
            StatusCode::NOT_FOUND,
            "not-found",
        )
        .await;
    }
    let anonymous = client()
        .get(format!("{}{location}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    server.shutdown().await;
}

#[tokio::test]
async fn every_field_problem_is_listed_and_nothing_is_stored() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;

    let mut values = valid_values();
    let form = values.as_object_mut().unwrap();
    // The standard's example with a wrong check digit.
    form.insert("applicant_id_number".into(), json!("110105194912310021"));
    form.remove("applicant_name");
    // An agent applies but isn't named; "other" reason without saying which.
    form.insert("apply_by_agent".into(), json!("yes"));
    form.insert("agent_id_number".into(), json!("11010519491231002X"));
    form.insert("agent_mobile".into(), json!("13900000000"));
    form.insert("reason".into(), json!("other"));
    form.insert("nickname".into(), json!("x"));
    let mut body = submission(&guide, values, &held_materials(&server, &token).await);
    body["materials"][0]["material_refs"] = json!(["licence:营业执照:L1"]);

    let response = submit(&server, &token, Some(KEY), &body).await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation-failed",
    )
    .await;
    let expected = [
        ("applicant_name", "required"),
        ("applicant_id_number", "id_checksum"),
        ("reason_other", "required"),
        ("agent_name", "required"),
        ("nickname", "unknown_field"),
        ("materials.id_card", "slot_wrong_licence"),
    ];
    assert_eq!(
        errors(&problem),
        expected
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect::<Vec<_>>()
    );
    assert_eq!(problem["errors"][0]["message"], "请填写申请人姓名");
    assert_eq!(count(&server, &user_id).await, 0);

    // A refusal isn't stored under the key: the corrected form goes through
    // with the same key.
    let fixed = submit(
        &server,
        &token,
        Some(KEY),
        &submission(
            &guide,
            valid_values(),
            &held_materials(&server, &token).await,
        ),
    )
    .await;
    assert_eq!(fixed.status(), StatusCode::CREATED);
    assert_eq!(count(&server, &user_id).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_required_slot_and_a_hidden_agent_block() {
    let (server, _dir) = start().await;
    let (token, _) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    // No materials at all; the agent's fields are filled in but hidden
    // (apply_by_agent is "no"), so they are ignored rather than checked.
    let mut values = valid_values();
    values["agent_name"] = json!("李四");
    values["agent_id_number"] = json!("not an id");
    let mut body = submission(&guide, values, &held_materials(&server, &token).await);
    body["materials"] = json!([]);
    let problem = assert_problem(
        submit(&server, &token, Some(KEY), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation-failed",
    )
    .await;
    assert_eq!(
        errors(&problem),
        [
            ("materials.id_card".to_owned(), "slot_required".to_owned()),
            (
                "materials.household_register".to_owned(),
                "slot_required".to_owned()
            ),
        ]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_guide_and_its_form_must_exist_and_match() {
    let (server, _dir) = start().await;
    let (token, _) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;

    let unknown = submission(
        "GA001-999999",
        valid_values(),
        &held_materials(&server, &token).await,
    );
    let problem = assert_problem(
        submit(&server, &token, Some("k1"), &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    assert_eq!(problem["field"], "guide_code");

    let mut other_form = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    other_form["schema_id"] = json!("GA002.v1");
    let problem = assert_problem(
        submit(&server, &token, Some("k2"), &other_form).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    assert_eq!(problem["field"], "schema_id");

    let mut bad_draft = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    bad_draft["draft_id"] = json!("not-a-uuid");
    let problem = assert_problem(
        submit(&server, &token, Some("k3"), &bad_draft).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    assert_eq!(problem["field"], "draft_id");

    let wrong_shape = json!({"guide_code": guide, "schema_id": "GA001.v1", "values": []});
    assert_problem(
        submit(&server, &token, Some("k4"), &wrong_shape).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_idempotency_key_is_required() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    for key in [None, Some(""), Some("   ")] {
        assert_problem(
            submit(&server, &token, key, &body).await,
            StatusCode::BAD_REQUEST,
            "idempotency-key-required",
        )
        .await;
    }
    let too_long = "k".repeat(256);
    assert_problem(
        submit(&server, &token, Some(&too_long), &body).await,
        StatusCode::BAD_REQUEST,
        "idempotency-key-required",
    )
    .await;
    let longest = "k".repeat(255);
    assert_eq!(
        submit(&server, &token, Some(&longest), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    // Signing in comes first.
    assert_problem(
        client()
            .post(format!("{}/api/v1/applications", server.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_eq!(count(&server, &user_id).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_retry_with_the_same_key_replays_the_answer() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );

    let first = submit(&server, &token, Some(KEY), &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_location = first.headers()[header::LOCATION].clone();
    let first_body = first.bytes().await.unwrap();

    // The same request, its members in another order: the same request.
    let reordered: Value = serde_json::from_str(&format!(
        r#"{{"materials": {}, "values": {}, "schema_id": "GA001.v1", "guide_code": "{guide}"}}"#,
        body["materials"], body["values"]
    ))
    .unwrap();
    for again in [&body, &reordered] {
        let replay = submit(&server, &token, Some(KEY), again).await;
        assert_eq!(replay.status(), StatusCode::CREATED);
        assert_eq!(replay.headers()["idempotent-replayed"], "true");
        assert_eq!(replay.headers()[header::LOCATION], first_location);
        assert_eq!(replay.bytes().await.unwrap(), first_body);
    }
    assert_eq!(count(&server, &user_id).await, 1);

    // Another key is another application.
    let second = submit(&server, &token, Some("another-key"), &body).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(count(&server, &user_id).await, 2);

    // Keys are per user: someone else's KEY is theirs.
    let (other, other_id) = user(&server, "13800000002").await;
    let their_body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &other).await,
    );
    let theirs = submit(&server, &other, Some(KEY), &their_body).await;
    assert_eq!(theirs.status(), StatusCode::CREATED);
    assert!(theirs.headers().get("idempotent-replayed").is_none());
    assert_eq!(count(&server, &other_id).await, 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_submissions_with_one_key_make_one_application() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    let url = format!("{}/api/v1/applications", server.base_url());

    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (url, token, body) = (url.clone(), token.clone(), body.clone());
        requests.spawn(async move {
            let response = client()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", KEY)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let replayed = response.headers().get("idempotent-replayed").is_some();
            let receipt: Value = response.json().await.unwrap();
            (status, replayed, receipt)
        });
    }
    let answers = requests.join_all().await;
    assert_eq!(answers.len(), 20);
    assert!(
        answers
            .iter()
            .all(|(status, _, _)| *status == StatusCode::CREATED)
    );
    assert_eq!(
        answers.iter().filter(|(_, replayed, _)| !replayed).count(),
        1
    );
    let first = &answers[0].2;
    assert!(answers.iter().all(|(_, _, receipt)| receipt == first));
    assert_eq!(count(&server, &user_id).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_key_used_with_another_body_is_refused() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    assert_eq!(
        submit(&server, &token, Some(KEY), &body).await.status(),
        StatusCode::CREATED
    );
    let mut changed = body.clone();
    changed["values"]["address"] = json!("昆明市盘龙区北京路2号");
    assert_problem(
        submit(&server, &token, Some(KEY), &changed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
    )
    .await;
    // Even an invalid body: the key is judged first.
    changed["values"]["applicant_id_number"] = json!("110105194912310021");
    assert_problem(
        submit(&server, &token, Some(KEY), &changed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
    )
    .await;
    assert_eq!(count(&server, &user_id).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn keys_are_forgotten_after_24_hours() {
    let (server, _dir) = start().await;
    let (token, user_id) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    let first: Value = submit(&server, &token, Some(KEY), &body)
        .await
        .json()
        .await
        .unwrap();

    // Just under a day later, still a replay (the access token still lives
    // only 10 minutes, so sign in again).
    server.advance_clock(Duration::from_secs(24 * 3600 - 120));
    let (token, _) = user(&server, "13800000001").await;
    let replay = submit(&server, &token, Some(KEY), &body).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");

    server.advance_clock(Duration::from_secs(120));
    let (token, _) = user(&server, "13800000001").await;
    let fresh = submit(&server, &token, Some(KEY), &body).await;
    assert_eq!(fresh.status(), StatusCode::CREATED);
    assert!(fresh.headers().get("idempotent-replayed").is_none());
    let fresh: Value = fresh.json().await.unwrap();
    assert_ne!(fresh["application_no"], first["application_no"]);
    assert_eq!(count(&server, &user_id).await, 2);
    server.shutdown().await;
}

#[tokio::test]
async fn submitting_a_draft_closes_it_on_every_device() {
    let (server, _dir) = start().await;
    let (token, _) = user(&server, "13800000001").await;
    let guide = guide_for(&server, "GA001.v1").await;
    let draft_id = "8d7e2c1a-4b3f-4e5d-9a8b-7c6d5e4f3a2b";
    let created = draft_request(&server, Method::PUT, &token, draft_id)
        .header(header::IF_NONE_MATCH, "*")
        .json(&draft_body(&guide, "换领身份证", valid_values(), 1))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    let mut body = submission(
        &guide,
        valid_values(),
        &held_materials(&server, &token).await,
    );
    body["draft_id"] = json!(draft_id.to_uppercase());
    let receipt: Value = submit(&server, &token, Some(KEY), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(receipt["draft_id"], draft_id);

    let draft: Value = draft_request(&server, Method::GET, &token, draft_id)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(draft["deleted"], true);
    assert_eq!(draft["revision"], 2);
    assert_eq!(draft["application_no"], receipt["application_no"]);
    assert_eq!(draft["values"], json!({}));
    server.shutdown().await;
}
