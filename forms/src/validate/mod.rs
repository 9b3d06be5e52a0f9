//! Validating a draft against its form. The app runs this as the user
//! types and before it submits; the platform runs the same code on what it
//! receives, because a client can be modified ("never trust the client").

mod fields;
mod group;
mod leaf;
mod materials;
mod path;
mod region;
mod rules;
mod scope;
mod value;

use crate::FieldError;
use crate::messages;
use crate::schema::{FormSchema, SlotFill};

use self::scope::Scope;

/// A draft's answers: a JSON object from field key to value. A group's
/// value is an array of such objects, one per item.
pub type Values = serde_json::Map<String, serde_json::Value>;

/// Every problem with a draft, fields first (in schema order, each group
/// item's fields in turn, then unknown keys sorted), then material slots
/// (in schema order, then unknown slots). Empty means it may be submitted.
///
/// A hidden field (its `visible_when` doesn't hold) is neither required nor
/// checked, and its value is ignored; a key the form doesn't have at all is
/// `unknown_field`. A field gets at most one error, the first check it fails.
pub fn validate(schema: &FormSchema, values: &Values, fills: &[SlotFill]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let top = Scope::top(&schema.fields, values);
    fields::check_fields(&top, "", &mut errors);
    materials::check_slots(&schema.material_slots, fills, &mut errors);
    errors
}

/// The problems with one field's value, for checking as the user types.
/// `path` names the field as errors do: `name`, `members[1].id_number`, or
/// `members` for a whole group (its items are checked too).
///
/// Only the value itself is known here, so conditions are not evaluated:
/// the field counts as visible, it is required only if `required` is set,
/// and inside a group's items, conditions see the item's own values but no
/// top-level ones. [`validate`] over the whole draft is what decides
/// submission. An unknown or malformed path gives `unknown_field`.
pub fn validate_field(
    schema: &FormSchema,
    path: &str,
    value: &serde_json::Value,
) -> Vec<FieldError> {
    let Some(spec) = path::resolve(&schema.fields, path) else {
        return vec![fields::at(path, messages::unknown_field())];
    };
    let no_values = Values::new();
    let top = Scope::top(&schema.fields, &no_values);
    let mut errors = Vec::new();
    fields::check_value(spec, Some(value), spec.required, path, &top, &mut errors);
    errors
}
