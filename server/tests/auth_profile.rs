//! The profile: masking and `profile:full`, real-name verification and each
//! of its failures, companies and the tier they need, acting for a company.

mod common;

use banshitong_server::TestServer;
use common::assert_problem;
use common::auth::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "13812345678";

async fn verification(server: &TestServer, access: &str, body: Value) -> reqwest::Response {
    post_json(server, "/api/v1/me/verification", access, body).await
}

fn by_card(overrides: Value) -> Value {
    let mut body = json!({
        "method": "bank_card",
        "name": "张三丰",
        "id_number": ID_NUMBER,
        "card_number": GOOD_CARD,
        "reserved_phone": PHONE,
    });
    for (key, value) in overrides.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn assert_field_problem(response: reqwest::Response, field: &str) -> Value {
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable-content",
    )
    .await;
    assert_eq!(problem["field"], field, "{problem}");
    problem
}

#[tokio::test]
async fn a_new_account_shows_a_masked_phone_and_no_identity() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let profile = me(&server, access_token(&tokens)).await;
    assert_eq!(
        profile,
        json!({
            "user_id": tokens["user_id"],
            "tier": "registered",
            "phone": "138****5678",
            "name": null,
            "id_number": null,
            "companies": [],
            "acting_as": null,
        })
    );
    server.shutdown().await;
}

#[tokio::test]
async fn bank_card_verification_makes_the_account_verified() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let response = verification(&server, access_token(&tokens), by_card(json!({}))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["tier"], "verified");
    assert_eq!(profile["name"], "张*丰");
    assert_eq!(profile["id_number"], "1101**********002X");
    assert_eq!(profile["phone"], "138****5678");
    assert_eq!(me(&server, access_token(&tokens)).await, profile);

    // Verifying again as the same person is harmless; as another, 409.
    let again = verification(&server, access_token(&tokens), by_card(json!({}))).await;
    assert_eq!(again.status(), StatusCode::OK);
    let other = verification(
        &server,
        access_token(&tokens),
        by_card(json!({"name": "李四"})),
    )
    .await;
    assert_problem(other, StatusCode::CONFLICT, "conflict").await;
    server.shutdown().await;
}

#[tokio::test]
async fn full_scope_shows_everything_unmasked() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let response = verification(
        &server,
        access_token(&tokens),
        json!({
            "method": "face",
            "name": "张三",
            "id_number": "11010519491231002x",
            "liveness_ticket": "live-ok-abc",
        }),
    )
    .await;
    let masked: Value = response.json().await.unwrap();
    assert_eq!(masked["name"], "张*");

    let full = sign_in_with_scope(&server, PHONE, "profile profile:full").await;
    assert_eq!(full["scope"], "profile profile:full");
    let profile = me(&server, access_token(&full)).await;
    assert_eq!(profile["phone"], PHONE);
    assert_eq!(profile["name"], "张三");
    // Stored canonical, with an upper-case X.
    assert_eq!(profile["id_number"], ID_NUMBER);
    // The profile-only sign-in still sees the masked view.
    assert_eq!(me(&server, access_token(&tokens)).await["name"], "张*");
    server.shutdown().await;
}

#[tokio::test]
async fn each_verification_failure_names_its_field() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let access = access_token(&tokens);
    let cases = [
        (json!({"method": "passport"}), "method"),
        (json!({"name": ""}), "name"),
        (json!({"name": "张3"}), "name"),
        (json!({"id_number": "11010519491231002"}), "id_number"),
        // One character changed: the check character no longer matches.
        (json!({"id_number": "11010519491231003X"}), "id_number"),
        // 30 February.
        (json!({"id_number": "110101199002304470"}), "id_number"),
        // Luhn fails.
        (json!({"card_number": "6222021234567890123"}), "card_number"),
        (json!({"card_number": "12345"}), "card_number"),
        // Declined by the simulated bank.
        (json!({"card_number": DECLINED_CARD}), "card_number"),
        (json!({"reserved_phone": "13900000000"}), "reserved_phone"),
    ];
    for (overrides, field) in cases {
        let response = verification(&server, access, by_card(overrides.clone())).await;
        let problem = assert_field_problem(response, field).await;
        if field == "reserved_phone" {
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("the card's reserved phone does not match")
            );
        }
        if overrides["card_number"] == DECLINED_CARD {
            assert!(problem["detail"].as_str().unwrap().contains("declined"));
        }
    }
    // A birth date in the future (check character computed for it).
    let future = {
        let base = "11010121000101123";
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = base
            .bytes()
            .zip(weights)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize] as char;
        format!("{base}{check}")
    };
    let problem = assert_field_problem(
        verification(&server, access, by_card(json!({"id_number": future}))).await,
        "id_number",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("future"),
        "{problem}"
    );
    // Face: anything but a live-ok- ticket fails.
    for ticket in ["", "live-fail-1", "LIVE-OK-1"] {
        let response = verification(
            &server,
            access,
            json!({
                "method": "face",
                "name": "张三丰",
                "id_number": ID_NUMBER,
                "liveness_ticket": ticket,
            }),
        )
        .await;
        assert_field_problem(response, "liveness_ticket").await;
    }
    // Nothing of that made the account verified.
    assert_eq!(me(&server, access).await["tier"], "registered");
    server.shutdown().await;
}

#[tokio::test]
async fn companies_need_a_verified_account() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let access = access_token(&tokens);
    let add = |body: Value| post_json(&server, "/api/v1/me/companies", access, body);

    let refused = add(json!({"uscc": USCC, "name": "云南示例科技有限公司"})).await;
    let problem = assert_problem(refused, StatusCode::FORBIDDEN, "tier-required").await;
    assert_eq!(problem["required_tier"], "verified");

    verify_by_face(&server, access).await;
    let created = add(json!({"uscc": USCC, "name": "云南示例科技有限公司"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.json::<Value>().await.unwrap(),
        json!({"uscc": USCC, "name": "云南示例科技有限公司"})
    );
    // Again: the name is updated, nothing duplicated. Lower case is accepted.
    let updated =
        add(json!({"uscc": USCC.to_lowercase(), "name": "云南示例科技股份有限公司"})).await;
    assert_eq!(updated.status(), StatusCode::OK);
    let second = add(json!({"uscc": OTHER_USCC, "name": "北京示例有限公司"})).await;
    assert_eq!(second.status(), StatusCode::CREATED);

    for (body, field) in [
        (json!({"uscc": "91350100M000100Y44", "name": "x"}), "uscc"),
        (json!({"uscc": "91350100I000100Y43", "name": "x"}), "uscc"),
        (json!({"uscc": "", "name": "x"}), "uscc"),
        (json!({"uscc": USCC, "name": "  "}), "name"),
    ] {
        assert_field_problem(add(body).await, field).await;
    }

    let profile = me(&server, access).await;
    assert_eq!(
        profile["companies"],
        json!([
            {"uscc": USCC, "name": "云南示例科技股份有限公司"},
            {"uscc": OTHER_USCC, "name": "北京示例有限公司"},
        ])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn acting_as_is_per_sign_in_and_limited_to_own_companies() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let access = access_token(&tokens);
    verify_by_face(&server, access).await;
    let company = json!({"uscc": USCC, "name": "云南示例科技有限公司"});
    assert_eq!(
        post_json(&server, "/api/v1/me/companies", access, company.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    let act = |access: String, body: Value| {
        let server = &server;
        async move { post_json(server, "/api/v1/me/acting-as", &access, body).await }
    };

    let response = act(access.to_owned(), json!({"uscc": USCC})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap()["acting_as"],
        company
    );
    assert_eq!(me(&server, access).await["acting_as"], company);

    // It belongs to the sign-in: it survives a refresh…
    let refreshed = assert_tokens(refresh(&server, refresh_token(&tokens)).await).await;
    assert_eq!(
        me(&server, access_token(&refreshed)).await["acting_as"],
        company
    );
    // …but another sign-in of the same account acts as the person.
    let other = sign_in(&server, PHONE).await;
    assert_eq!(
        me(&server, access_token(&other)).await["acting_as"],
        Value::Null
    );

    // Someone else's company, or a malformed code.
    let not_mine = act(access.to_owned(), json!({"uscc": OTHER_USCC})).await;
    assert_problem(not_mine, StatusCode::FORBIDDEN, "forbidden").await;
    for body in [json!({"uscc": "nonsense"}), json!({}), json!({"uscc": 5})] {
        assert_field_problem(act(access.to_owned(), body).await, "uscc").await;
    }
    assert_eq!(me(&server, access).await["acting_as"], company);

    let cleared = act(access.to_owned(), json!({"uscc": null})).await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(me(&server, access).await["acting_as"], Value::Null);
    server.shutdown().await;
}

#[tokio::test]
async fn a_registered_user_can_only_act_as_themselves() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let tokens = sign_in(&server, PHONE).await;
    let access = access_token(&tokens);
    let response = post_json(
        &server,
        "/api/v1/me/acting-as",
        access,
        json!({"uscc": USCC}),
    )
    .await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = post_json(
        &server,
        "/api/v1/me/acting-as",
        access,
        json!({"uscc": null}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    server.shutdown().await;
}
