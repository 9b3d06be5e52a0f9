//! Walking a level of the draft: each visible field, then unknown keys.

use crate::FieldError;
use crate::messages::{self, Refusal};
use crate::schema::{FieldKind, FieldSpec};

use super::scope::Scope;
use super::value::is_empty;
use super::{group, leaf};

/// Checks every field of `scope`, naming them `<prefix><key>`.
pub(crate) fn check_fields(scope: &Scope<'_>, prefix: &str, errors: &mut Vec<FieldError>) {
    for spec in scope.fields {
        if !scope.is_visible(spec) {
            continue;
        }
        let path = format!("{prefix}{}", spec.key);
        let value = scope.values.get(&spec.key);
        let required = scope.is_required(spec);
        check_value(spec, value, required, &path, scope.top_level(), errors);
    }
    // Sorted, so the order doesn't depend on how the map was built.
    let mut unknown: Vec<&String> = scope
        .values
        .keys()
        .filter(|key| !scope.fields.iter().any(|spec| &spec.key == *key))
        .collect();
    unknown.sort();
    for key in unknown {
        errors.push(at(&format!("{prefix}{key}"), messages::unknown_field()));
    }
}

/// Checks one field's value. An empty value is fine unless required: the
/// other rules constrain answers, not their absence.
pub(crate) fn check_value(
    spec: &FieldSpec,
    value: Option<&serde_json::Value>,
    required: bool,
    path: &str,
    top: &Scope<'_>,
    errors: &mut Vec<FieldError>,
) {
    let value = match value {
        Some(value) if !is_empty(Some(value)) => value,
        _ => {
            if required {
                errors.push(at(path, messages::required(spec)));
            }
            return;
        }
    };
    match &spec.kind {
        FieldKind::Group { .. } => group::check(spec, value, path, top, errors),
        _ => {
            if let Err(refusal) = leaf::check(spec, value) {
                errors.push(at(path, refusal));
            }
        }
    }
}

/// A refusal at a path.
pub(crate) fn at(path: &str, refusal: Refusal) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: refusal.code,
        message: refusal.message,
    }
}
