//! visible_when and required_when: hidden fields are neither required nor
//! checked and their values are ignored; unknown keys are still reported.

mod common;

use banshitong_forms::validate;
use common::{allowance_draft, allowance_form, check, codes, form, values};
use serde_json::json;

fn marital_form() -> banshitong_forms::FormSchema {
    form(json!([
        {"key": "marital", "label": "婚姻状况",
         "kind": {"type": "single_choice", "options": [
            {"value": "unmarried", "label": "未婚"}, {"value": "married", "label": "已婚"}]}},
        {"key": "spouse_name", "label": "配偶姓名", "kind": {"type": "text"}, "required": true,
         "rules": {"min_length": 2}, "visible_when": {"field": "marital", "equals": "married"}},
        {"key": "spouse_id", "label": "配偶身份证号码", "kind": {"type": "id_number"},
         "visible_when": {"field": "spouse_name"}}
    ]))
}

#[test]
fn a_shown_field_is_required_and_checked() {
    let schema = marital_form();
    assert_eq!(
        check(&schema, json!({"marital": "married"})),
        [("spouse_name".to_string(), "required")]
    );
    assert_eq!(
        check(&schema, json!({"marital": "married", "spouse_name": "李"})),
        [("spouse_name".to_string(), "too_short")]
    );
}

#[test]
fn a_hidden_field_is_neither_required_nor_checked_and_its_value_is_ignored() {
    let schema = marital_form();
    assert_eq!(check(&schema, json!({"marital": "unmarried"})), []);
    assert_eq!(check(&schema, json!({})), []);
    // A value left over from when the field was shown: ignored, not unknown.
    assert_eq!(
        check(
            &schema,
            json!({"marital": "unmarried", "spouse_name": "李", "spouse_id": "bad"})
        ),
        []
    );
}

#[test]
fn has_any_value_conditions() {
    let schema = marital_form();
    assert_eq!(
        check(
            &schema,
            json!({"marital": "married", "spouse_name": "李四", "spouse_id": "123"})
        ),
        [("spouse_id".to_string(), "id_format")]
    );
    // Blank text is no value: spouse_id is hidden, and the blank
    // spouse_name is reported as missing.
    assert_eq!(
        check(
            &schema,
            json!({"marital": "married", "spouse_name": " ", "spouse_id": "123"})
        ),
        [("spouse_name".to_string(), "required")]
    );
}

#[test]
fn conditions_chain_through_hidden_fields() {
    // spouse_id depends on spouse_name, which is hidden unless married: a
    // hidden field's value doesn't count, so spouse_id is hidden too.
    let schema = marital_form();
    assert_eq!(
        check(
            &schema,
            json!({"marital": "unmarried", "spouse_name": "李四", "spouse_id": "123"})
        ),
        []
    );
}

#[test]
fn required_when() {
    let schema = form(json!([
        {"key": "has_car", "label": "是否有车",
         "kind": {"type": "single_choice", "options": [
            {"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]}},
        {"key": "plate", "label": "车牌号", "kind": {"type": "text"},
         "required_when": {"field": "has_car", "equals": "yes"}}
    ]));
    assert_eq!(
        check(&schema, json!({"has_car": "yes"})),
        [("plate".to_string(), "required")]
    );
    assert_eq!(check(&schema, json!({"has_car": "no"})), []);
    assert_eq!(check(&schema, json!({})), []);
    // Not required, but still visible and checked.
    assert_eq!(
        check(&schema, json!({"has_car": "no", "plate": "云A12345"})),
        []
    );
}

#[test]
fn a_multiple_choice_condition_holds_when_the_option_is_among_those_chosen() {
    let schema = allowance_form();
    let mut draft = allowance_draft();
    draft.insert(
        "hardships".into(),
        json!(["illness", "other", "disability"]),
    );
    let errors = validate(&schema, &draft, &common::allowance_fills());
    assert_eq!(
        codes(&errors),
        [
            ("hardship_detail".to_string(), "required"),
            ("disability_cert_no".to_string(), "required"),
        ]
    );
}

#[test]
fn numbers_in_conditions_compare_by_value() {
    let schema = form(json!([
        {"key": "children", "label": "子女数", "kind": {"type": "number", "integer": true}},
        {"key": "reason", "label": "说明", "kind": {"type": "text"}, "required": true,
         "visible_when": {"field": "children", "equals": 3}}
    ]));
    assert_eq!(
        check(&schema, json!({"children": 3.0})),
        [("reason".to_string(), "required")]
    );
    assert_eq!(check(&schema, json!({"children": 2})), []);
}

#[test]
fn a_null_equals_means_any_value() {
    let schema: banshitong_forms::FormSchema = serde_json::from_value(json!({
        "id": "T002.v1", "version": 1, "title": "测试",
        "fields": [
            {"key": "a", "label": "甲", "kind": {"type": "text"}},
            {"key": "b", "label": "乙", "kind": {"type": "text"}, "required": true,
             "visible_when": {"field": "a", "equals": null}}
        ]
    }))
    .unwrap();
    assert_eq!(schema.fields[1].visible_when.as_ref().unwrap().equals, None);
    assert_eq!(
        check(&schema, json!({"a": "x"})),
        [("b".to_string(), "required")]
    );
    assert_eq!(check(&schema, json!({})), []);
}

#[test]
fn a_condition_on_a_missing_field_or_a_cycle_hides_the_field() {
    // check_schema reports both; validation must still end, and say nothing.
    let schema = form(json!([
        {"key": "a", "label": "甲", "kind": {"type": "text"}, "required": true,
         "visible_when": {"field": "nowhere"}},
        {"key": "b", "label": "乙", "kind": {"type": "text"}, "required": true,
         "visible_when": {"field": "c"}},
        {"key": "c", "label": "丙", "kind": {"type": "text"}, "required": true,
         "visible_when": {"field": "b"}}
    ]));
    assert_eq!(check(&schema, json!({"b": "x", "c": "y"})), []);
}

#[test]
fn truly_unknown_keys_are_reported_sorted() {
    let schema = marital_form();
    let errors = validate(
        &schema,
        &values(json!({"zeta": 1, "marital": "unmarried", "alpha": "x"})),
        &[],
    );
    assert_eq!(
        codes(&errors),
        [
            ("alpha".to_string(), "unknown_field"),
            ("zeta".to_string(), "unknown_field")
        ]
    );
}
