//! Every field kind and rule, with answers that pass and answers that don't.
//! Each refused answer gives exactly one error, at the field's path.

mod common;

use common::{code_of, one_field};
use serde_json::{Value, json};

/// Asserts the answers that pass and the code each failing one gets.
fn expect(schema: &banshitong_forms::FormSchema, pass: &[Value], fail: &[(Value, &str)]) {
    for value in pass {
        assert_eq!(code_of(schema, value.clone()), None, "{value} should pass");
    }
    for (value, code) in fail {
        assert_eq!(code_of(schema, value.clone()), Some(*code), "{value}");
    }
}

#[test]
fn text_lengths_count_characters() {
    let schema = one_field(
        json!({"type": "text"}),
        json!({"rules": {"min_length": 2, "max_length": 4}}),
    );
    expect(
        &schema,
        &[json!("张三"), json!("欧阳娜娜"), json!("ab")],
        &[
            (json!("张"), "too_short"),
            (json!("欧阳娜娜娜"), "too_long"),
            (json!(12), "wrong_type"),
            (json!({"a": 1}), "wrong_type"),
            (json!(true), "wrong_type"),
        ],
    );
}

#[test]
fn text_patterns_match_the_whole_value() {
    let schema = one_field(
        json!({"type": "text"}),
        json!({"rules": {"pattern": "[一-龥·]{2,}"}}),
    );
    expect(
        &schema,
        &[json!("张三"), json!("阿依古丽·买买提")],
        &[
            (json!("Zhang San"), "pattern"),
            (json!("张三1"), "pattern"),
            (json!("x张三"), "pattern"),
        ],
    );
}

#[test]
fn length_is_checked_before_the_pattern() {
    let schema = one_field(
        json!({"type": "text"}),
        json!({"rules": {"max_length": 3, "pattern": "[0-9]+"}}),
    );
    assert_eq!(code_of(&schema, json!("abcd")), Some("too_long"));
    assert_eq!(code_of(&schema, json!("abc")), Some("pattern"));
}

#[test]
fn addresses_take_text_rules() {
    let schema = one_field(
        json!({"type": "address"}),
        json!({"rules": {"max_length": 10}}),
    );
    expect(
        &schema,
        &[json!("昆明市五华区")],
        &[
            (json!("云南省昆明市五华区某街道某号"), "too_long"),
            (json!(5), "wrong_type"),
        ],
    );
}

#[test]
fn numbers_and_their_bounds() {
    let schema = one_field(
        json!({"type": "number"}),
        json!({"rules": {"min": 0, "max": 99.5}}),
    );
    expect(
        &schema,
        &[json!(0), json!(0.5), json!(99.5), json!(42)],
        &[
            (json!(-0.01), "below_min"),
            (json!(100), "above_max"),
            (json!("12"), "not_a_number"),
            (json!(true), "not_a_number"),
            (json!([1]), "not_a_number"),
        ],
    );
}

#[test]
fn integers() {
    let schema = one_field(
        json!({"type": "number", "integer": true}),
        json!({"rules": {"min": 1, "max": 20}}),
    );
    expect(
        &schema,
        &[json!(1), json!(20), json!(3.0)],
        &[
            (json!(2.5), "not_an_integer"),
            (json!(0), "below_min"),
            (json!(21), "above_max"),
        ],
    );
    // Without `integer`, fractions are fine.
    let any = one_field(json!({"type": "number"}), json!({}));
    assert_eq!(code_of(&any, json!(2.5)), None);
}

#[test]
fn dates_are_real_days_within_bounds() {
    let schema = one_field(
        json!({"type": "date"}),
        json!({"rules": {"min": "2020-01-01", "max": "2024-12-31"}}),
    );
    expect(
        &schema,
        &[
            json!("2020-01-01"),
            json!("2024-02-29"),
            json!("2024-12-31"),
        ],
        &[
            (json!("2019-12-31"), "below_min"),
            (json!("2025-01-01"), "above_max"),
            (json!("2023-02-29"), "bad_date"),
            (json!("2024-13-01"), "bad_date"),
            (json!("2024/01/01"), "bad_date"),
            (json!("2024-1-1"), "bad_date"),
            (json!("2024-01-01T08:00:00"), "bad_date"),
            (json!(20240101), "bad_date"),
        ],
    );
}

#[test]
fn single_choices_take_one_option_value() {
    let schema = one_field(
        json!({"type": "single_choice", "options": [
            {"value": "male", "label": "男"}, {"value": "female", "label": "女"}]}),
        json!({}),
    );
    expect(
        &schema,
        &[json!("male"), json!("female")],
        &[
            (json!("男"), "not_an_option"),
            (json!("other"), "not_an_option"),
            (json!(["male"]), "not_an_option"),
            (json!(1), "not_an_option"),
        ],
    );
}

#[test]
fn multiple_choices_take_distinct_option_values() {
    let schema = one_field(
        json!({"type": "multiple_choice", "options": [
            {"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}, {"value": "c", "label": "丙"}]}),
        json!({}),
    );
    expect(
        &schema,
        &[json!(["a"]), json!(["c", "a"]), json!(["a", "b", "c"])],
        &[
            (json!(["a", "d"]), "not_an_option"),
            (json!(["a", 1]), "not_an_option"),
            (json!(["a", "a"]), "duplicate_option"),
            (json!("a"), "wrong_type"),
        ],
    );
}

#[test]
fn regions_are_gb_t_2260_codes() {
    let schema = one_field(json!({"type": "region"}), json!({}));
    expect(
        &schema,
        &[json!("530000"), json!("530102"), json!("110105")],
        &[
            (json!("53010"), "bad_region"),
            (json!("990102"), "bad_region"),
            (json!("53010A"), "bad_region"),
            (json!(530102), "bad_region"),
        ],
    );
}

#[test]
fn id_numbers() {
    let schema = one_field(json!({"type": "id_number"}), json!({}));
    expect(
        &schema,
        // The GB 11643-1999 example, also with a lower-case x.
        &[
            json!("11010519491231002X"),
            json!("11010519491231002x"),
            json!("110101199003074477"),
        ],
        &[
            // Its first 17 digits need X: a digit there is a wrong check.
            (json!("110105194912310021"), "id_checksum"),
            (json!("110101199003074478"), "id_checksum"),
            (json!("11010519491231002"), "id_format"),
            (json!("11010519491231002Y"), "id_format"),
            (json!(110101199003074477u64), "id_format"),
            (json!("110101199002304470"), "id_birth_date"),
        ],
    );
}

#[test]
fn credit_codes() {
    let schema = one_field(json!({"type": "credit_code"}), json!({}));
    expect(
        &schema,
        &[
            json!("91350100M000100Y43"),
            json!("91110000802100433B"),
            json!("91350100m000100y43"),
        ],
        &[
            // Looks right, but the algorithm wants C as its check character.
            (json!("911100001000013429"), "credit_code_checksum"),
            (json!("91350100M000100Y44"), "credit_code_checksum"),
            (json!("91350100I000100Y43"), "credit_code_format"),
            (json!("91350100M000100Y4"), "credit_code_format"),
            (json!(12), "credit_code_format"),
        ],
    );
}

#[test]
fn mobile_numbers() {
    let schema = one_field(json!({"type": "mobile"}), json!({}));
    expect(
        &schema,
        &[json!("13800000000"), json!("19912345678")],
        &[
            (json!("12800000000"), "mobile_format"),
            (json!("+8613800000000"), "mobile_format"),
            (json!("138 0000 0000"), "mobile_format"),
            (json!(13800000000u64), "mobile_format"),
        ],
    );
}

#[test]
fn empty_answers_pass_optional_fields_whatever_their_rules() {
    let schema = one_field(
        json!({"type": "text"}),
        json!({"rules": {"min_length": 5, "pattern": "[0-9]+"}}),
    );
    for empty in [json!(null), json!(""), json!("   ")] {
        assert_eq!(code_of(&schema, empty.clone()), None, "{empty}");
    }
    let choices = one_field(
        json!({"type": "multiple_choice", "options": [{"value": "a", "label": "甲"}]}),
        json!({}),
    );
    assert_eq!(code_of(&choices, json!([])), None);
}

#[test]
fn required_fields_refuse_every_kind_of_empty() {
    for kind in [
        json!({"type": "text"}),
        json!({"type": "number"}),
        json!({"type": "date"}),
        json!({"type": "single_choice", "options": [{"value": "a", "label": "甲"}]}),
        json!({"type": "multiple_choice", "options": [{"value": "a", "label": "甲"}]}),
        json!({"type": "region"}),
        json!({"type": "id_number"}),
        json!({"type": "credit_code"}),
        json!({"type": "mobile"}),
        json!({"type": "address"}),
    ] {
        let schema = one_field(kind.clone(), json!({"required": true}));
        for empty in [json!(null), json!(""), json!(" "), json!([])] {
            assert_eq!(
                code_of(&schema, empty.clone()),
                Some("required"),
                "{kind} {empty}"
            );
        }
        let missing = banshitong_forms::validate(&schema, &Default::default(), &[]);
        assert_eq!(
            common::codes(&missing),
            [("f".to_string(), "required")],
            "{kind}"
        );
    }
}

#[test]
fn a_broken_rule_refuses_rather_than_passes() {
    // A pattern that doesn't compile, a date bound on a number, a number
    // bound on a date: the form is wrong, and nothing gets through.
    for (kind, rules, value) in [
        (json!({"type": "text"}), json!({"pattern": "("}), json!("x")),
        (
            json!({"type": "number"}),
            json!({"min": "2020-01-01"}),
            json!(1),
        ),
        (
            json!({"type": "date"}),
            json!({"max": 5}),
            json!("2024-01-01"),
        ),
        (
            json!({"type": "date"}),
            json!({"max": "someday"}),
            json!("2024-01-01"),
        ),
    ] {
        let schema = one_field(kind, json!({"rules": rules}));
        assert_eq!(code_of(&schema, value), Some("bad_schema"), "{rules}");
    }
}
