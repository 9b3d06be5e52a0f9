//! Repeated groups: the item count, then each item as its own level, with
//! paths like `members[1].id_number`.

use serde_json::Value;

use crate::FieldError;
use crate::messages;
use crate::schema::{FieldKind, FieldSpec};

use super::fields::{at, check_fields};
use super::scope::Scope;

pub(crate) fn check(
    spec: &FieldSpec,
    value: &Value,
    path: &str,
    top: &Scope<'_>,
    errors: &mut Vec<FieldError>,
) {
    let FieldKind::Group {
        fields,
        min_items,
        max_items,
    } = &spec.kind
    else {
        return;
    };
    let Some(items) = value.as_array() else {
        errors.push(at(path, messages::wrong_type(&spec.label)));
        return;
    };
    // The count is the group's error; the items still get theirs, so the
    // user sees everything to fix at once.
    let count = items.len();
    if let Some(min) = min_items.filter(|min| count < *min as usize) {
        errors.push(at(path, messages::too_few_items(&spec.label, min)));
    } else if let Some(max) = max_items.filter(|max| count > *max as usize) {
        errors.push(at(path, messages::too_many_items(&spec.label, max)));
    }
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{index}]");
        match item.as_object() {
            Some(values) => {
                let scope = Scope::item(fields, values, top);
                check_fields(&scope, &format!("{item_path}."), errors);
            }
            None => errors.push(at(&item_path, messages::wrong_type(&spec.label))),
        }
    }
}
