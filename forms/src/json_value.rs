//! A JSON value that can cross the FFI.
//!
//! Condition values (`equals`) are JSON: a choice's value, a number, a
//! boolean. uniffi has no JSON type, and a remote `custom_type!` for
//! `serde_json::Value` would only convert for this crate's own tag, so a
//! record holding it could not be used from the bindings crate. A local
//! newtype converts for every crate; Kotlin and Swift see its JSON text.

use serde::{Deserialize, Serialize};

/// A JSON value; transparent in serde (it is the value itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JsonValue(pub serde_json::Value);

impl From<serde_json::Value> for JsonValue {
    fn from(value: serde_json::Value) -> Self {
        JsonValue(value)
    }
}

impl std::ops::Deref for JsonValue {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(JsonValue, String, {
    lower: |value| value.0.to_string(),
    try_lift: |text| Ok(JsonValue(serde_json::from_str(&text)?)),
});
