//! Limits on a field's value beyond its kind.

use serde::{Deserialize, Serialize};

/// Every rule is optional; an absent one doesn't constrain. Rules apply to
/// present values only: an empty optional field passes whatever its rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Rules {
    /// Lowest allowed number or earliest date (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Limit>,
    /// Highest allowed number or latest date (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Limit>,
    /// In characters (Unicode scalar values), so 张三 is 2, as a user counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// A regex the whole value must match (it is anchored for you), in the
    /// syntax of regex-lite: no `\p{..}` classes, so write Chinese ranges
    /// literally, e.g. `[一-龥·]+`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self == &Rules::default()
    }
}

/// A bound: a bare JSON number for number fields, a `YYYY-MM-DD` string for
/// date fields (`"min": 18`, `"max": "2099-12-31"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Limit {
    Number(f64),
    Date(String),
}
