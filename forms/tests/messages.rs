//! Every error a user can meet has a Chinese message, and the messages name
//! the field or material they are about.

mod common;

use std::collections::HashSet;

use banshitong_forms::{ErrorCode, FieldError, validate, validate_field};
use common::{allowance_draft, allowance_form, fill, one_field, values};
use serde_json::json;

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// One error of each code, provoked through the public API.
fn one_of_each() -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut field =
        |kind: serde_json::Value, extra: serde_json::Value, value: serde_json::Value| {
            errors.extend(validate(
                &one_field(kind, extra),
                &values(json!({"f": value})),
                &[],
            ));
        };
    let choice = json!({"type": "single_choice", "options": [{"value": "a", "label": "甲"}]});
    let choices = json!({"type": "multiple_choice", "options": [{"value": "a", "label": "甲"}]});
    field(
        json!({"type": "text"}),
        json!({"required": true}),
        json!(null),
    );
    field(json!({"type": "text"}), json!({}), json!(1));
    field(
        json!({"type": "text"}),
        json!({"rules": {"min_length": 3}}),
        json!("ab"),
    );
    field(
        json!({"type": "text"}),
        json!({"rules": {"max_length": 1}}),
        json!("ab"),
    );
    field(
        json!({"type": "number"}),
        json!({"rules": {"min": 1}}),
        json!(0),
    );
    field(
        json!({"type": "number"}),
        json!({"rules": {"max": 1}}),
        json!(2),
    );
    field(
        json!({"type": "text"}),
        json!({"rules": {"pattern": "[0-9]+"}}),
        json!("a"),
    );
    field(json!({"type": "number"}), json!({}), json!("1"));
    field(
        json!({"type": "number", "integer": true}),
        json!({}),
        json!(1.5),
    );
    field(json!({"type": "date"}), json!({}), json!("2023-02-29"));
    field(choice, json!({}), json!("b"));
    field(choices, json!({}), json!(["a", "a"]));
    field(json!({"type": "region"}), json!({}), json!("99"));
    field(json!({"type": "id_number"}), json!({}), json!("1"));
    field(
        json!({"type": "id_number"}),
        json!({}),
        json!("110101199002304470"),
    );
    field(
        json!({"type": "id_number"}),
        json!({}),
        json!("110105194912310021"),
    );
    field(json!({"type": "credit_code"}), json!({}), json!("1"));
    field(
        json!({"type": "credit_code"}),
        json!({}),
        json!("911100001000013429"),
    );
    field(json!({"type": "mobile"}), json!({}), json!("1"));
    field(
        json!({"type": "text"}),
        json!({"rules": {"pattern": "("}}),
        json!("a"),
    );
    let group = json!({"type": "group", "min_items": 2, "max_items": 2,
                       "fields": [{"key": "x", "label": "甲", "kind": {"type": "text"}}]});
    field(group.clone(), json!({}), json!([{}]));
    field(group, json!({}), json!([{}, {}, {}]));
    errors.extend(validate_field(&allowance_form(), "nowhere", &json!(1)));
    errors.extend(validate(
        &allowance_form(),
        &allowance_draft(),
        &[
            fill("hukou", &["u1", "u2", "u3", "u4", "u5"]),
            fill("id_card", &["licence:结婚证:L1"]),
            fill("income_proof", &[""]),
            fill("photo", &["u6"]),
        ],
    ));
    errors.extend(validate(
        &allowance_form(),
        &allowance_draft(),
        &[fill("hukou", &["u1"])],
    ));
    errors
}

#[test]
fn every_code_has_a_chinese_message() {
    let errors = one_of_each();
    let seen: HashSet<ErrorCode> = errors.iter().map(|e| e.code).collect();
    let missing: Vec<_> = ErrorCode::ALL
        .iter()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "not provoked: {missing:?}");
    for error in &errors {
        assert!(is_chinese(&error.message), "{error:?}");
    }
}

#[test]
fn messages_name_what_they_are_about() {
    let by_code = |code: ErrorCode| {
        one_of_each()
            .into_iter()
            .find(|e| e.code == code)
            .unwrap()
            .message
    };
    assert_eq!(by_code(ErrorCode::Required), "请填写字段");
    assert_eq!(by_code(ErrorCode::TooShort), "字段不能少于3个字");
    assert_eq!(by_code(ErrorCode::BelowMin), "字段不能小于1");
    assert_eq!(by_code(ErrorCode::IdChecksum), "身份证号码校验位不正确");
    assert_eq!(
        by_code(ErrorCode::CreditCodeChecksum),
        "统一社会信用代码校验位不正确"
    );
    assert_eq!(by_code(ErrorCode::TooFewItems), "字段至少需要2项");
    assert_eq!(by_code(ErrorCode::SlotTooMany), "户口簿最多只能提供4份");
    assert_eq!(
        by_code(ErrorCode::SlotRequired),
        "请上传居民身份证，或使用电子证照"
    );
    assert_eq!(
        by_code(ErrorCode::SlotWrongLicence),
        "居民身份证只能使用居民身份证电子证照"
    );
}

#[test]
fn choices_and_dates_ask_to_choose() {
    let schema = one_field(json!({"type": "date"}), json!({"required": true}));
    let errors = validate(&schema, &values(json!({})), &[]);
    assert_eq!(errors[0].message, "请选择字段");
    let errors = validate(&allowance_form(), &values(json!({})), &[]);
    let members = errors.iter().find(|e| e.path == "members").unwrap();
    assert_eq!(members.message, "请添加家庭成员");
}

#[test]
fn errors_serialise_with_snake_case_codes() {
    let errors = validate_field(
        &allowance_form(),
        "applicant_id",
        &json!("110105194912310021"),
    );
    assert_eq!(
        serde_json::to_value(&errors).unwrap(),
        json!([{"path": "applicant_id", "code": "id_checksum", "message": "身份证号码校验位不正确"}])
    );
}
