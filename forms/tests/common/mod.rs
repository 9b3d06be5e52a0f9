//! Forms and drafts shared by the integration tests. Written as JSON, the
//! shape the platform serves, so the tests also exercise deserialisation.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use banshitong_forms::{FieldError, FormSchema, SlotFill, Values, validate};
use serde_json::{Value, json};

/// A form from its `fields` (and optionally `material_slots`) JSON.
pub fn form(fields: Value) -> FormSchema {
    form_with_slots(fields, json!([]))
}

pub fn form_with_slots(fields: Value, slots: Value) -> FormSchema {
    serde_json::from_value(json!({
        "id": "T001.v1",
        "version": 1,
        "title": "测试申请表",
        "fields": fields,
        "material_slots": slots,
    }))
    .expect("a test form deserialises")
}

/// A form with one field `f` (labelled 字段) of this kind and these extras.
pub fn one_field(kind: Value, extra: Value) -> FormSchema {
    let mut field = json!({"key": "f", "label": "字段", "kind": kind});
    if let (Some(field), Some(extra)) = (field.as_object_mut(), extra.as_object()) {
        field.extend(extra.clone());
    }
    form(json!([field]))
}

pub fn values(json: Value) -> Values {
    json.as_object().expect("values are an object").clone()
}

/// (path, code) of every error, for compact assertions.
pub fn codes(errors: &[FieldError]) -> Vec<(String, &'static str)> {
    errors
        .iter()
        .map(|error| (error.path.clone(), error.code.as_str()))
        .collect()
}

/// The errors of a draft without materials, as (path, code).
pub fn check(schema: &FormSchema, draft: Value) -> Vec<(String, &'static str)> {
    codes(&validate(schema, &values(draft), &[]))
}

/// The code of field `f` given `value` (`None`: accepted).
pub fn code_of(schema: &FormSchema, value: Value) -> Option<&'static str> {
    let errors = validate(schema, &values(json!({ "f": value })), &[]);
    assert!(errors.len() <= 1, "one error per field: {errors:?}");
    errors.first().map(|error| {
        assert_eq!(error.path, "f");
        error.code.as_str()
    })
}

pub fn fill(slot_key: &str, refs: &[&str]) -> SlotFill {
    SlotFill {
        slot_key: slot_key.into(),
        material_refs: refs.iter().map(|r| r.to_string()).collect(),
    }
}

/// A minimum-living-allowance application (最低生活保障申请) with every field
/// kind, conditions at both levels, a family-member group and material
/// slots: the shape real forms take.
pub fn allowance_form() -> FormSchema {
    form_with_slots(
        json!([
            {"key": "applicant_name", "label": "申请人姓名", "kind": {"type": "text"},
             "required": true, "help": "与身份证上的姓名一致",
             "rules": {"min_length": 2, "max_length": 30, "pattern": "[一-龥·]+"},
             "prefill": {"source": "profile_name"}},
            {"key": "applicant_id", "label": "申请人身份证号码", "kind": {"type": "id_number"},
             "required": true, "prefill": {"source": "profile_id_number"}},
            {"key": "mobile", "label": "联系电话", "kind": {"type": "mobile"},
             "required": true, "prefill": {"source": "profile_mobile"}},
            {"key": "region", "label": "户籍所在地", "kind": {"type": "region"}, "required": true},
            {"key": "address", "label": "现居住地址", "kind": {"type": "address"},
             "required": true, "rules": {"max_length": 100}},
            {"key": "marital", "label": "婚姻状况", "required": true,
             "kind": {"type": "single_choice", "options": [
                {"value": "unmarried", "label": "未婚"}, {"value": "married", "label": "已婚"},
                {"value": "divorced", "label": "离异"}, {"value": "widowed", "label": "丧偶"}]}},
            {"key": "spouse_name", "label": "配偶姓名", "kind": {"type": "text"},
             "required": true, "visible_when": {"field": "marital", "equals": "married"}},
            {"key": "household_size", "label": "家庭人口", "kind": {"type": "number", "integer": true},
             "required": true, "rules": {"min": 1, "max": 20}},
            {"key": "monthly_income", "label": "家庭月收入（元）", "kind": {"type": "number"},
             "rules": {"min": 0}},
            {"key": "apply_date", "label": "申请日期", "kind": {"type": "date"},
             "rules": {"min": "2020-01-01", "max": "2099-12-31"}},
            {"key": "hardships", "label": "困难类型",
             "kind": {"type": "multiple_choice", "options": [
                {"value": "illness", "label": "重病"}, {"value": "disability", "label": "残疾"},
                {"value": "unemployment", "label": "失业"}, {"value": "other", "label": "其他"}]}},
            {"key": "hardship_detail", "label": "其他困难说明", "kind": {"type": "text"},
             "required": true, "visible_when": {"field": "hardships", "equals": "other"}},
            {"key": "disability_cert_no", "label": "残疾人证号", "kind": {"type": "text"},
             "required_when": {"field": "hardships", "equals": "disability"}},
            {"key": "members", "label": "家庭成员", "required": true,
             "kind": {"type": "group", "min_items": 1, "max_items": 3, "fields": [
                {"key": "name", "label": "成员姓名", "kind": {"type": "text"}, "required": true},
                {"key": "id_number", "label": "成员身份证号码", "kind": {"type": "id_number"},
                 "required": true},
                {"key": "relation", "label": "与申请人关系", "required": true,
                 "kind": {"type": "single_choice", "options": [
                    {"value": "spouse", "label": "配偶"}, {"value": "child", "label": "子女"},
                    {"value": "parent", "label": "父母"}, {"value": "other", "label": "其他"}]}},
                {"key": "relation_note", "label": "关系说明", "kind": {"type": "text"},
                 "required": true, "visible_when": {"field": "relation", "equals": "other"}},
                {"key": "disability_level", "label": "残疾等级",
                 "visible_when": {"field": "hardships", "equals": "disability"},
                 "kind": {"type": "single_choice", "options": [
                    {"value": "1", "label": "一级"}, {"value": "2", "label": "二级"},
                    {"value": "3", "label": "三级"}, {"value": "4", "label": "四级"}]}}
             ]}}
        ]),
        json!([
            {"key": "id_card", "name": "居民身份证", "required": true,
             "accepted_types": ["jpeg", "png"], "max_count": 2, "licence_type": "居民身份证"},
            {"key": "hukou", "name": "户口簿", "required": true,
             "accepted_types": ["jpeg", "png", "pdf"], "max_count": 4, "licence_type": "户口簿"},
            {"key": "income_proof", "name": "收入证明", "accepted_types": ["pdf"], "max_count": 3}
        ]),
    )
}

/// A draft of [`allowance_form`] that passes, materials included.
pub fn allowance_draft() -> Values {
    values(json!({
        "applicant_name": "张三",
        "applicant_id": "11010519491231002X",
        "mobile": "13800000000",
        "region": "530102",
        "address": "云南省昆明市五华区某街道1号",
        "marital": "married",
        "spouse_name": "李四",
        "household_size": 2,
        "monthly_income": 1200.5,
        "apply_date": "2025-03-01",
        "hardships": ["illness"],
        "members": [
            {"name": "李四", "id_number": "110101199003074477", "relation": "spouse"}
        ]
    }))
}

pub fn allowance_fills() -> Vec<SlotFill> {
    vec![
        fill("id_card", &["licence:居民身份证:L0001"]),
        fill("hukou", &["upload_1", "upload_2"]),
    ]
}
