//! What counts as an answer, and when two answers are equal.

use serde_json::Value;

/// Whether a value is no answer at all: missing, `null`, blank text (spaces
/// don't answer a question) or an empty array (nothing chosen, no items).
pub(crate) fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Whether `value` satisfies a condition's `equals`: equal, or for an array
/// compared with a non-array, containing it (a multiple choice that
/// includes the option).
pub(crate) fn matches(value: &Value, expected: &Value) -> bool {
    match (value, expected) {
        (Value::Array(items), expected) if !expected.is_array() => {
            items.iter().any(|item| json_equal(item, expected))
        }
        _ => json_equal(value, expected),
    }
}

/// JSON equality where numbers compare by value: `1` equals `1.0`, which
/// serde_json's own `==` doesn't say (it keeps integers and floats apart).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(key, x)| ys.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_values() {
        for empty in [json!(null), json!(""), json!("  \t"), json!([])] {
            assert!(is_empty(Some(&empty)), "{empty}");
        }
        assert!(is_empty(None));
        for answer in [json!(0), json!(false), json!("x"), json!([1]), json!({})] {
            assert!(!is_empty(Some(&answer)), "{answer}");
        }
    }

    #[test]
    fn numbers_compare_by_value_and_arrays_by_membership() {
        assert!(matches(&json!(1), &json!(1.0)));
        assert!(!matches(&json!(1), &json!("1")));
        assert!(matches(&json!(["a", "b"]), &json!("b")));
        assert!(!matches(&json!(["a", "b"]), &json!("c")));
        assert!(matches(&json!(["a", "b"]), &json!(["a", "b"])));
        assert!(!matches(&json!(["a", "b"]), &json!(["b", "a"])));
        assert!(matches(&json!({"n": 2}), &json!({"n": 2.0})));
    }
}
