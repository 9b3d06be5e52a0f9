//! What kind of answer a field takes, which decides the JSON type of its
//! value and the checks that value gets.

use serde::{Deserialize, Serialize};

use super::FieldSpec;

/// Serialised with a `type` tag: `{"type":"number","integer":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FieldKind {
    /// A string. Rules: `min_length`, `max_length`, `pattern`.
    Text,
    /// A JSON number (a string such as `"12"` is not one: the client converts
    /// what was typed). Rules: `min`, `max`.
    Number {
        #[serde(default)]
        integer: bool,
    },
    /// A `YYYY-MM-DD` string. Rules: `min`, `max` (dates).
    Date,
    /// One option's `value` (a string).
    SingleChoice { options: Vec<ChoiceOption> },
    /// An array of distinct option values.
    MultipleChoice { options: Vec<ChoiceOption> },
    /// A six-digit GB/T 2260 administrative division code, e.g. `530102`.
    Region,
    /// A GB 11643-1999 citizen ID number (公民身份号码).
    IdNumber,
    /// A GB 32100-2015 unified social credit code (统一社会信用代码).
    CreditCode,
    /// A mainland mobile number, 11 digits.
    Mobile,
    /// A postal address as one string. Rules as for text.
    Address,
    /// A repeated group, e.g. family members: an array of objects, each
    /// filled in with `fields`. One level of nesting (no group in a group).
    Group {
        fields: Vec<FieldSpec>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u32>,
    },
}

/// One choice: `value` is stored in the draft, `label` is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

impl FieldKind {
    /// The options of a choice field.
    pub fn options(&self) -> Option<&[ChoiceOption]> {
        match self {
            FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => {
                Some(options)
            }
            _ => None,
        }
    }
}
