//! validate_field: one value, as the user types it.

mod common;

use banshitong_forms::validate_field;
use common::{allowance_form, codes};
use serde_json::json;

fn field_codes(path: &str, value: serde_json::Value) -> Vec<(String, &'static str)> {
    codes(&validate_field(&allowance_form(), path, &value))
}

#[test]
fn top_level_fields() {
    assert_eq!(field_codes("applicant_id", json!("11010519491231002X")), []);
    assert_eq!(
        field_codes("applicant_id", json!("110105194912310021")),
        [("applicant_id".to_string(), "id_checksum")]
    );
    assert_eq!(
        field_codes("applicant_name", json!("Zhang")),
        [("applicant_name".to_string(), "pattern")]
    );
}

#[test]
fn fields_inside_group_items() {
    assert_eq!(
        field_codes("members[2].id_number", json!("110101199003074478")),
        [("members[2].id_number".to_string(), "id_checksum")]
    );
    assert_eq!(field_codes("members[0].relation", json!("child")), []);
}

#[test]
fn a_whole_group() {
    assert_eq!(
        field_codes(
            "members",
            json!([{"name": "甲", "id_number": "x", "relation": "other"}])
        ),
        [
            ("members[0].id_number".to_string(), "id_format"),
            ("members[0].relation_note".to_string(), "required"),
        ]
    );
    assert_eq!(
        field_codes("members", json!([])),
        [("members".to_string(), "required")]
    );
}

#[test]
fn only_static_requirements_apply() {
    assert_eq!(
        field_codes("mobile", json!("")),
        [("mobile".to_string(), "required")]
    );
    // A field with conditions counts as shown: `required` holds...
    assert_eq!(
        field_codes("spouse_name", json!("")),
        [("spouse_name".to_string(), "required")]
    );
    // ...but required_when needs the rest of the draft, so it doesn't.
    assert_eq!(field_codes("disability_cert_no", json!(null)), []);
}

#[test]
fn paths_that_name_no_field() {
    for path in [
        "nowhere",
        "",
        "members",
        "members[0]",
        "members[x].name",
        "members[].name",
        "members[0].nowhere",
        "applicant_name[0].x",
        "members.name",
    ] {
        let result = field_codes(path, json!("x"));
        if path == "members" {
            assert_eq!(result, [("members".to_string(), "wrong_type")]);
        } else {
            assert_eq!(result, [(path.to_string(), "unknown_field")], "{path}");
        }
    }
}
