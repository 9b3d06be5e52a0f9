//! Repeated groups: item counts, per-item paths, and conditions inside items
//! that name siblings or top-level fields.

mod common;

use banshitong_forms::validate;
use common::{allowance_draft, allowance_fills, allowance_form, codes};
use serde_json::{Value, json};

fn member(name: &str, id: &str, relation: &str) -> Value {
    json!({"name": name, "id_number": id, "relation": relation})
}

fn errors_with_members(members: Value) -> Vec<(String, &'static str)> {
    let mut draft = allowance_draft();
    draft.insert("members".into(), members);
    codes(&validate(&allowance_form(), &draft, &allowance_fills()))
}

#[test]
fn each_item_is_checked_at_its_own_path() {
    let errors = errors_with_members(json!([
        member("李四", "110101199003074477", "spouse"),
        {"name": "", "id_number": "110101199003074478", "relation": "cousin"},
        member("张小", "11010519491231002X", "child"),
    ]));
    assert_eq!(
        errors,
        [
            ("members[1].name".to_string(), "required"),
            ("members[1].id_number".to_string(), "id_checksum"),
            ("members[1].relation".to_string(), "not_an_option"),
        ]
    );
}

#[test]
fn item_counts() {
    assert_eq!(
        errors_with_members(json!([])),
        [("members".to_string(), "required")]
    );
    let four = json!([
        member("甲", "110101199003074477", "child"),
        member("乙", "110101199003074477", "child"),
        member("丙", "110101199003074477", "child"),
        member("丁", "110101199003074477", "child"),
    ]);
    assert_eq!(
        errors_with_members(four),
        [("members".to_string(), "too_many_items")]
    );
}

#[test]
fn too_few_items_when_there_are_some() {
    let schema = common::form(json!([
        {"key": "guarantors", "label": "担保人",
         "kind": {"type": "group", "min_items": 2, "fields": [
            {"key": "name", "label": "姓名", "kind": {"type": "text"}, "required": true}]}}
    ]));
    assert_eq!(
        common::check(&schema, json!({"guarantors": [{"name": "甲"}]})),
        [("guarantors".to_string(), "too_few_items")]
    );
    // Optional and empty: no items is an answer of its own.
    assert_eq!(common::check(&schema, json!({"guarantors": []})), []);
    assert_eq!(
        common::check(
            &schema,
            json!({"guarantors": [{"name": "甲"}, {"name": "乙"}]})
        ),
        []
    );
}

#[test]
fn the_count_error_comes_with_the_items_errors() {
    let errors = errors_with_members(json!([
        member("甲", "110101199003074477", "child"),
        member("乙", "bad", "child"),
        member("丙", "110101199003074477", "child"),
        member("丁", "110101199003074477", "child"),
    ]));
    assert_eq!(
        errors,
        [
            ("members".to_string(), "too_many_items"),
            ("members[1].id_number".to_string(), "id_format"),
        ]
    );
}

#[test]
fn wrong_shapes() {
    assert_eq!(
        errors_with_members(json!({"name": "李四"})),
        [("members".to_string(), "wrong_type")]
    );
    assert_eq!(
        errors_with_members(json!([
            member("李四", "110101199003074477", "spouse"),
            "李四"
        ])),
        [("members[1]".to_string(), "wrong_type")]
    );
}

#[test]
fn unknown_keys_inside_items() {
    let mut item = member("李四", "110101199003074477", "spouse");
    item["age"] = json!(30);
    assert_eq!(
        errors_with_members(json!([item])),
        [("members[0].age".to_string(), "unknown_field")]
    );
}

#[test]
fn sibling_conditions_are_per_item() {
    let errors = errors_with_members(json!([
        member("甲", "110101199003074477", "other"),
        member("乙", "110101199003074477", "child"),
        {"name": "丙", "id_number": "110101199003074477", "relation": "other", "relation_note": "表亲"},
    ]));
    assert_eq!(
        errors,
        [("members[0].relation_note".to_string(), "required")]
    );
}

#[test]
fn item_fields_may_depend_on_top_level_fields() {
    // disability_level shows only when the applicant names disability.
    let with_level = json!([{
        "name": "甲", "id_number": "110101199003074477", "relation": "child",
        "disability_level": "9"
    }]);
    assert_eq!(errors_with_members(with_level.clone()), []);

    let mut draft = allowance_draft();
    draft.insert("hardships".into(), json!(["disability"]));
    draft.insert("disability_cert_no".into(), json!("53010219900101123144"));
    draft.insert("members".into(), with_level);
    assert_eq!(
        codes(&validate(&allowance_form(), &draft, &allowance_fills())),
        [("members[0].disability_level".to_string(), "not_an_option")]
    );
}

#[test]
fn a_hidden_group_is_ignored_whole() {
    let schema = common::form(json!([
        {"key": "has_children", "label": "是否有子女",
         "kind": {"type": "single_choice", "options": [
            {"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]}},
        {"key": "children", "label": "子女", "required": true,
         "visible_when": {"field": "has_children", "equals": "yes"},
         "kind": {"type": "group", "fields": [
            {"key": "name", "label": "姓名", "kind": {"type": "text"}, "required": true}]}}
    ]));
    assert_eq!(
        common::check(
            &schema,
            json!({"has_children": "no", "children": [{"bad": 1}]})
        ),
        []
    );
    assert_eq!(
        common::check(&schema, json!({"has_children": "yes", "children": [{}]})),
        [("children[0].name".to_string(), "required")]
    );
}
