//! When a field is shown or required, decided by another field's answer.

use serde::{Deserialize, Serialize};

use crate::JsonValue;

/// Holds when `field` has a value and, if `equals` is given, that value
/// equals it. Numbers compare by value (`1` equals `1.0`). When the value is
/// an array (a multiple choice) and `equals` is not, it holds when the array
/// contains `equals`. A hidden field counts as having no value, so
/// conditions chain: a field shown only under a hidden one is hidden too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Condition {
    /// A sibling key in the same group item, else a top-level key.
    pub field: String,
    /// `None` (or JSON `null`) means "has any value".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<JsonValue>,
}

impl Condition {
    /// Holds when `field` has any value.
    pub fn has_value(field: impl Into<String>) -> Self {
        Condition {
            field: field.into(),
            equals: None,
        }
    }

    /// Holds when `field`'s value equals (or, for an array, contains) `value`.
    pub fn equals(field: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Condition {
            field: field.into(),
            equals: Some(JsonValue(value.into())),
        }
    }
}
