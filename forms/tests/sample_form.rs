//! A realistic form end to end: a good draft passes, and each kind of
//! mistake a user makes is reported where it was made.

mod common;

use banshitong_forms::{ErrorCode, check_schema, validate};
use common::{allowance_draft, allowance_fills, allowance_form, codes};
use serde_json::json;

#[test]
fn the_sample_form_is_sound() {
    assert_eq!(check_schema(&allowance_form()), vec![]);
}

#[test]
fn a_complete_draft_passes() {
    let errors = validate(&allowance_form(), &allowance_draft(), &allowance_fills());
    assert_eq!(errors, vec![]);
}

#[test]
fn an_empty_draft_lists_every_required_field_and_slot_in_order() {
    let errors = validate(&allowance_form(), &Default::default(), &[]);
    let expected = [
        "applicant_name",
        "applicant_id",
        "mobile",
        "region",
        "address",
        "marital",
        "household_size",
        "members",
    ];
    let fields: Vec<_> = errors
        .iter()
        .filter(|e| e.code == ErrorCode::Required)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(fields, expected);
    let slots: Vec<_> = errors
        .iter()
        .filter(|e| e.code == ErrorCode::SlotRequired)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(slots, ["materials.id_card", "materials.hukou"]);
    assert_eq!(errors.len(), expected.len() + 2);
}

#[test]
fn mistakes_are_reported_at_their_paths() {
    let mut draft = allowance_draft();
    draft.insert("applicant_id".into(), json!("110105194912310021"));
    draft.insert("mobile".into(), json!("12800000000"));
    draft.insert("household_size".into(), json!(2.5));
    draft.insert("nickname".into(), json!("小张"));
    draft.insert(
        "members".into(),
        json!([
            {"name": "李四", "id_number": "110101199003074477", "relation": "spouse"},
            {"name": "张小", "id_number": "11010519491231002", "relation": "child"}
        ]),
    );
    let errors = validate(&allowance_form(), &draft, &allowance_fills());
    assert_eq!(
        codes(&errors),
        [
            ("applicant_id".to_string(), "id_checksum"),
            ("mobile".to_string(), "mobile_format"),
            ("household_size".to_string(), "not_an_integer"),
            ("members[1].id_number".to_string(), "id_format"),
            ("nickname".to_string(), "unknown_field"),
        ]
    );
    assert_eq!(errors[0].message, "身份证号码校验位不正确");
}
