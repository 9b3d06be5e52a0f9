//! The schema's JSON: a round trip keeps everything, defaults fill what a
//! platform leaves out, and the documented shape is what serde writes.

mod common;

use banshitong_forms::{
    ChoiceOption, Condition, FieldKind, FieldSpec, FormSchema, Limit, MaterialSlot, PrefillSource,
    Rules, check_schema,
};
use serde_json::json;

#[test]
fn a_schema_survives_a_json_round_trip() {
    let schema = common::allowance_form();
    let text = serde_json::to_string_pretty(&schema).unwrap();
    let back: FormSchema = serde_json::from_str(&text).unwrap();
    assert_eq!(back, schema);
    // And the JSON itself is stable: writing it again gives the same text.
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
}

#[test]
fn the_json_shape_is_the_documented_one() {
    let schema = FormSchema {
        id: "SC001.v1".into(),
        version: 1,
        title: "企业信息变更登记".into(),
        fields: vec![
            FieldSpec {
                key: "company_name".into(),
                label: "企业名称".into(),
                kind: FieldKind::Text,
                required: true,
                help: Some("与营业执照一致".into()),
                rules: Rules {
                    max_length: Some(50),
                    ..Rules::default()
                },
                visible_when: None,
                required_when: None,
                prefill: Some(PrefillSource::CompanyName),
            },
            FieldSpec {
                key: "staff".into(),
                label: "从业人数".into(),
                kind: FieldKind::Number { integer: true },
                required: false,
                help: None,
                rules: Rules {
                    min: Some(Limit::Number(0.0)),
                    ..Rules::default()
                },
                visible_when: Some(Condition::equals("kind", "new")),
                required_when: Some(Condition::has_value("company_name")),
                prefill: None,
            },
            FieldSpec {
                key: "kind".into(),
                label: "变更类型".into(),
                kind: FieldKind::SingleChoice {
                    options: vec![ChoiceOption {
                        value: "new".into(),
                        label: "新增".into(),
                    }],
                },
                required: false,
                help: None,
                rules: Rules::default(),
                visible_when: None,
                required_when: None,
                prefill: Some(PrefillSource::LicenceNumber {
                    licence_type: "营业执照".into(),
                }),
            },
        ],
        material_slots: vec![MaterialSlot {
            key: "business_licence".into(),
            name: "营业执照".into(),
            required: true,
            accepted_types: vec!["jpeg".into(), "pdf".into()],
            max_count: 1,
            licence_type: Some("营业执照".into()),
        }],
    };
    assert_eq!(
        serde_json::to_value(&schema).unwrap(),
        json!({
            "id": "SC001.v1", "version": 1, "title": "企业信息变更登记",
            "fields": [
                {"key": "company_name", "label": "企业名称", "kind": {"type": "text"},
                 "required": true, "help": "与营业执照一致", "rules": {"max_length": 50},
                 "prefill": {"source": "company_name"}},
                {"key": "staff", "label": "从业人数", "kind": {"type": "number", "integer": true},
                 "required": false, "rules": {"min": 0.0},
                 "visible_when": {"field": "kind", "equals": "new"},
                 "required_when": {"field": "company_name"}},
                {"key": "kind", "label": "变更类型",
                 "kind": {"type": "single_choice", "options": [{"value": "new", "label": "新增"}]},
                 "required": false,
                 "prefill": {"source": "licence_number", "licence_type": "营业执照"}}
            ],
            "material_slots": [
                {"key": "business_licence", "name": "营业执照", "required": true,
                 "accepted_types": ["jpeg", "pdf"], "max_count": 1, "licence_type": "营业执照"}
            ]
        })
    );
}

#[test]
fn omitted_members_take_their_defaults() {
    let schema: FormSchema = serde_json::from_value(json!({
        "id": "X001.v1", "version": 1, "title": "最小表单",
        "fields": [
            {"key": "a", "label": "甲", "kind": {"type": "number"}},
            {"key": "g", "label": "组", "kind": {"type": "group", "fields": [
                {"key": "b", "label": "乙", "kind": {"type": "date"}}]}}
        ]
    }))
    .unwrap();
    assert_eq!(schema.material_slots, vec![]);
    let a = &schema.fields[0];
    assert_eq!(a.kind, FieldKind::Number { integer: false });
    assert!(!a.required);
    assert_eq!(a.rules, Rules::default());
    assert_eq!(
        (&a.help, &a.visible_when, &a.prefill),
        (&None, &None, &None)
    );
    assert!(matches!(
        schema.fields[1].kind,
        FieldKind::Group {
            min_items: None,
            max_items: None,
            ..
        }
    ));
    let slot: MaterialSlot =
        serde_json::from_value(json!({"key": "s", "name": "材料", "accepted_types": ["pdf"]}))
            .unwrap();
    assert_eq!(
        (slot.required, slot.max_count, slot.licence_type),
        (false, 1, None)
    );
}

#[test]
fn limits_read_as_numbers_or_dates() {
    let rules: Rules = serde_json::from_value(json!({"min": 18, "max": "2099-12-31"})).unwrap();
    assert_eq!(rules.min, Some(Limit::Number(18.0)));
    assert_eq!(rules.max, Some(Limit::Date("2099-12-31".into())));
}

#[test]
fn an_unknown_kind_is_refused() {
    let result: Result<FieldKind, _> = serde_json::from_value(json!({"type": "signature"}));
    assert!(result.is_err());
}

#[test]
fn check_schema_finds_authoring_mistakes() {
    let schema = common::form_with_slots(
        json!([
            {"key": "Name", "label": "姓名", "kind": {"type": "text"}},
            {"key": "a", "label": "", "kind": {"type": "number"},
             "rules": {"min": 5, "max": 1, "pattern": "x"}},
            {"key": "a", "label": "重复", "kind": {"type": "text"},
             "rules": {"pattern": "(", "min_length": 3, "max_length": 2}},
            {"key": "d", "label": "日期", "kind": {"type": "date"}, "rules": {"min": "2020-02-30"}},
            {"key": "c", "label": "选择", "kind": {"type": "single_choice", "options": [
                {"value": "x", "label": "甲"}, {"value": "x", "label": "乙"}]}},
            {"key": "e", "label": "空选项", "kind": {"type": "multiple_choice", "options": []}},
            {"key": "v", "label": "条件", "kind": {"type": "text"},
             "visible_when": {"field": "c", "equals": "y"},
             "required_when": {"field": "nowhere"}},
            {"key": "p", "label": "循环甲", "kind": {"type": "text"}, "visible_when": {"field": "q"}},
            {"key": "q", "label": "循环乙", "kind": {"type": "text"}, "visible_when": {"field": "p"}},
            {"key": "m", "label": "手机", "kind": {"type": "mobile"},
             "prefill": {"source": "profile_name"}},
            {"key": "g", "label": "成员", "kind": {"type": "group", "min_items": 3, "max_items": 2,
             "fields": [
                {"key": "inner", "label": "嵌套", "kind": {"type": "group", "fields": [
                    {"key": "x", "label": "甲", "kind": {"type": "text"}}]}},
                {"key": "s", "label": "兄弟", "kind": {"type": "text"},
                 "visible_when": {"field": "c", "equals": "x"}}
             ]}}
        ]),
        json!([
            {"key": "s1", "name": "材料", "accepted_types": [], "max_count": 0},
            {"key": "s1", "name": "", "accepted_types": ["gif"], "licence_type": " "}
        ]),
    );
    let problems: Vec<(String, String)> = check_schema(&schema)
        .into_iter()
        .map(|p| (p.path, p.problem))
        .collect();
    let has = |path: &str, words: &str| {
        assert!(
            problems
                .iter()
                .any(|(p, text)| p == path && text.contains(words)),
            "expected {path}: {words} in {problems:#?}"
        );
    };
    has("Name", "snake_case");
    has("a", "no label");
    has("a", "min is above max");
    has("a", "apply to text and address only");
    has("a", "used twice");
    has("a", "does not compile");
    has("a", "min_length is above max_length");
    has("d", "YYYY-MM-DD");
    has("c", "used twice");
    has("e", "needs options");
    has("v", "no option for");
    has("v", "neither a sibling nor a top-level field");
    has("p", "cycle");
    has("q", "cycle");
    has("m", "doesn't fit");
    has("g", "min_items is above max_items");
    has("g[].inner", "one level only");
    has("materials.s1", "max_count 0");
    has("materials.s1", "no file type");
    has("materials.s1", "used twice");
    has("materials.s1", "no name");
    has("materials.s1", "unknown file type");
    has("materials.s1", "licence_type is blank");
    // The item's condition on a top-level field is fine.
    assert!(!problems.iter().any(|(p, _)| p == "g[].s"), "{problems:#?}");
    assert_eq!(problems.len(), 23, "{problems:#?}");
}
