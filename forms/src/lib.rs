//! banshitong-forms: application forms (申请表) and the rules their answers
//! follow, shared by the app's core and the platform server so that a draft
//! is judged by exactly the same code on the phone and on the platform. The
//! app validates to help the user; the platform validates again because a
//! client can be modified, and its verdict is the one that counts.
//!
//! - [`FormSchema`]: the fields, their kinds, rules and conditions, and the
//!   material slots; plain serde data (the JSON shape is in the README).
//! - [`validate`] a whole draft ([`Values`] and [`SlotFill`]s) into
//!   [`FieldError`]s; [`validate_field`] one value as the user types.
//! - [`check_schema`] finds mistakes in a form, for whoever writes forms.
//! - [`ids`]: the identifier checks (ID numbers, credit codes, mobile
//!   numbers, bank cards) the field kinds use, also usable on their own.
//!
//! ```
//! use banshitong_forms::{ErrorCode, FormSchema, Values, validate};
//! use serde_json::json;
//!
//! let schema: FormSchema = serde_json::from_value(json!({
//!     "id": "GA001.v1", "version": 1, "title": "居民身份证换领申请表",
//!     "fields": [{"key": "id_number", "label": "身份证号码",
//!                 "kind": {"type": "id_number"}, "required": true}]
//! }))?;
//! let values: Values = serde_json::from_value(json!({"id_number": "110105194912310021"}))?;
//! let errors = validate(&schema, &values, &[]);
//! assert_eq!(errors[0].path, "id_number");
//! assert_eq!(errors[0].code, ErrorCode::IdChecksum);
//! assert_eq!(errors[0].message, "身份证号码校验位不正确");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! No I/O, no clock, no platform data: every rule here gives the same answer
//! on every machine at any time. Checks that need data (does this region,
//! upload or licence exist?) are the platform's.

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("banshitong_forms");

mod calendar;
mod error;
pub mod ids;
mod json_value;
mod messages;
mod pattern;
mod schema;
mod validate;

pub use error::{ErrorCode, FieldError};
pub use json_value::JsonValue;
pub use schema::{
    ChoiceOption, Condition, FieldKind, FieldSpec, FormSchema, Limit, MaterialRef, MaterialSlot,
    PrefillSource, Rules, SchemaProblem, SlotFill, check_schema,
};
pub use validate::{Values, validate, validate_field};
