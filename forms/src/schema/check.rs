//! Authoring mistakes in a schema: things the validator would otherwise
//! meet at a user's expense (a pattern that doesn't compile refuses every
//! answer) or silently work around (a condition naming a missing field
//! hides its field for good). The platform checks every form it serves
//! with this, in its tests; clients needn't.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::material::FILE_TYPES;
use super::{Condition, FieldKind, FieldSpec, FormSchema, Limit, MaterialSlot, PrefillSource};
use crate::calendar::parse_date;

/// One mistake, for the form's author (English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SchemaProblem {
    /// `members[].id_number` for a group's field, `materials.<key>` for a
    /// slot, empty for the form itself.
    pub path: String,
    pub problem: String,
}

/// Every mistake found; empty for a sound schema.
pub fn check_schema(schema: &FormSchema) -> Vec<SchemaProblem> {
    let mut problems = Problems::default();
    if schema.id.trim().is_empty() {
        problems.add("", "the form has no id");
    }
    if schema.version == 0 {
        problems.add("", "versions start at 1");
    }
    if schema.title.trim().is_empty() {
        problems.add("", "the form has no title");
    }
    check_fields(&schema.fields, None, "", &mut problems);
    check_slots(&schema.material_slots, &mut problems);
    problems.0
}

#[derive(Default)]
struct Problems(Vec<SchemaProblem>);

impl Problems {
    fn add(&mut self, path: &str, problem: impl Into<String>) {
        self.0.push(SchemaProblem {
            path: path.to_owned(),
            problem: problem.into(),
        });
    }
}

/// Keys appear in paths (`members[1].id_number`), so they are plain
/// snake_case, which never needs quoting.
fn is_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `top` is `None` at the top level, else the top-level fields, which a
/// group's conditions may also name.
fn check_fields(
    fields: &[FieldSpec],
    top: Option<&[FieldSpec]>,
    prefix: &str,
    problems: &mut Problems,
) {
    let mut keys = HashSet::new();
    for spec in fields {
        let path = format!("{prefix}{}", spec.key);
        if !is_key(&spec.key) {
            problems.add(&path, "keys are snake_case: [a-z][a-z0-9_]*");
        }
        if !keys.insert(spec.key.as_str()) {
            problems.add(&path, "the key is used twice");
        }
        if spec.label.trim().is_empty() {
            problems.add(&path, "the field has no label");
        }
        check_kind(spec, fields, top, &path, problems);
        check_rules(spec, &path, problems);
        check_prefill(spec, &path, problems);
        for (name, condition) in [
            ("visible_when", &spec.visible_when),
            ("required_when", &spec.required_when),
        ] {
            if let Some(condition) = condition {
                check_condition(spec, name, condition, fields, top, &path, problems);
            }
        }
        if on_visibility_cycle(spec, fields, top) {
            problems.add(&path, "visible_when conditions form a cycle");
        }
    }
}

/// `fields` is the level `spec` is on.
fn check_kind(
    spec: &FieldSpec,
    fields: &[FieldSpec],
    top: Option<&[FieldSpec]>,
    path: &str,
    problems: &mut Problems,
) {
    match &spec.kind {
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => {
            if options.is_empty() {
                problems.add(path, "a choice needs options");
            }
            let mut values = HashSet::new();
            for option in options {
                if option.value.is_empty() || option.label.trim().is_empty() {
                    problems.add(path, "an option needs a value and a label");
                }
                if !values.insert(option.value.as_str()) {
                    problems.add(
                        path,
                        format!("option value {:?} is used twice", option.value),
                    );
                }
            }
        }
        FieldKind::Group {
            fields: item_fields,
            min_items,
            max_items,
        } => {
            if top.is_some() {
                problems.add(path, "groups nest one level only");
            }
            if item_fields.is_empty() {
                problems.add(path, "a group needs fields");
            }
            if let (Some(min), Some(max)) = (min_items, max_items) {
                if min > max {
                    problems.add(path, "min_items is above max_items");
                }
            }
            if *max_items == Some(0) {
                problems.add(path, "max_items 0 allows no item at all");
            }
            // An item's conditions may name top-level fields: this level,
            // unless this group is itself in a group (refused above).
            let item_top = top.unwrap_or(fields);
            check_fields(item_fields, Some(item_top), &format!("{path}[]."), problems);
        }
        _ => {}
    }
}

fn check_rules(spec: &FieldSpec, path: &str, problems: &mut Problems) {
    let rules = &spec.rules;
    let textual = matches!(spec.kind, FieldKind::Text | FieldKind::Address);
    if !textual
        && (rules.min_length.is_some() || rules.max_length.is_some() || rules.pattern.is_some())
    {
        problems.add(
            path,
            "min_length, max_length and pattern apply to text and address only",
        );
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length) {
        if min > max {
            problems.add(path, "min_length is above max_length");
        }
    }
    if let Some(pattern) = &rules.pattern {
        if let Err(error) = crate::pattern::compile(pattern) {
            problems.add(path, format!("the pattern does not compile: {error}"));
        }
    }
    let bounds = [&rules.min, &rules.max];
    let bounds = bounds.iter().filter_map(|bound| bound.as_ref());
    match spec.kind {
        FieldKind::Number { .. } => {
            for bound in bounds {
                if !matches!(bound, Limit::Number(n) if n.is_finite()) {
                    problems.add(path, "a number's min and max are numbers");
                }
            }
            if let (Some(Limit::Number(min)), Some(Limit::Number(max))) = (&rules.min, &rules.max) {
                if min > max {
                    problems.add(path, "min is above max");
                }
            }
        }
        FieldKind::Date => {
            for bound in bounds {
                if !matches!(bound, Limit::Date(d) if parse_date(d).is_some()) {
                    problems.add(path, "a date's min and max are YYYY-MM-DD dates");
                }
            }
            if let (Some(Limit::Date(min)), Some(Limit::Date(max))) = (&rules.min, &rules.max) {
                if parse_date(min) > parse_date(max) {
                    problems.add(path, "min is after max");
                }
            }
        }
        _ => {
            if bounds.count() > 0 {
                problems.add(path, "min and max apply to numbers and dates only");
            }
        }
    }
}

fn check_prefill(spec: &FieldSpec, path: &str, problems: &mut Problems) {
    let Some(source) = &spec.prefill else {
        return;
    };
    let fits = match source {
        PrefillSource::ProfileName | PrefillSource::CompanyName => {
            matches!(spec.kind, FieldKind::Text)
        }
        PrefillSource::ProfileIdNumber => matches!(spec.kind, FieldKind::IdNumber),
        PrefillSource::ProfileMobile => matches!(spec.kind, FieldKind::Mobile),
        PrefillSource::CompanyCreditCode => matches!(spec.kind, FieldKind::CreditCode),
        PrefillSource::LicenceNumber { licence_type } => {
            if licence_type.trim().is_empty() {
                problems.add(path, "licence_number prefill needs a licence_type");
            }
            matches!(spec.kind, FieldKind::Text)
        }
    };
    if !fits {
        problems.add(path, "the prefill source doesn't fit the field's kind");
    }
}

fn check_condition(
    spec: &FieldSpec,
    name: &str,
    condition: &Condition,
    fields: &[FieldSpec],
    top: Option<&[FieldSpec]>,
    path: &str,
    problems: &mut Problems,
) {
    if condition.field == spec.key {
        problems.add(path, format!("{name} names the field itself"));
        return;
    }
    let Some(target) = find(fields, top, &condition.field) else {
        problems.add(
            path,
            format!(
                "{name} names {:?}, which is neither a sibling nor a top-level field",
                condition.field
            ),
        );
        return;
    };
    // A value no option has can never be chosen: the condition never holds.
    if let (Some(options), Some(expected)) = (target.kind.options(), &condition.equals) {
        let known = |value: &serde_json::Value| {
            value
                .as_str()
                .is_some_and(|value| options.iter().any(|option| option.value == value))
        };
        let fine = match &expected.0 {
            serde_json::Value::Array(values) => values.iter().all(known),
            value => known(value),
        };
        if !fine {
            problems.add(
                path,
                format!(
                    "{name} expects a value {:?} has no option for",
                    condition.field
                ),
            );
        }
    }
}

/// The field a condition at this level names: a sibling, else a top-level one.
fn find<'a>(
    fields: &'a [FieldSpec],
    top: Option<&'a [FieldSpec]>,
    key: &str,
) -> Option<&'a FieldSpec> {
    fields
        .iter()
        .chain(top.unwrap_or_default())
        .find(|spec| spec.key == key)
}

/// Whether following `visible_when` from `start` comes back to it. Each
/// field has one `visible_when` at most, so the conditions form chains and
/// following one is enough.
fn on_visibility_cycle(start: &FieldSpec, fields: &[FieldSpec], top: Option<&[FieldSpec]>) -> bool {
    let mut current = start;
    let steps = fields.len() + top.map_or(0, <[FieldSpec]>::len);
    for _ in 0..=steps {
        let Some(condition) = &current.visible_when else {
            return false;
        };
        let in_top = top.is_some_and(|top| top.iter().any(|spec| std::ptr::eq(spec, current)));
        let next = if in_top {
            find(top.unwrap_or_default(), None, &condition.field)
        } else {
            find(fields, top, &condition.field)
        };
        let Some(next) = next else {
            return false;
        };
        if std::ptr::eq(next, start) {
            return true;
        }
        current = next;
    }
    false
}

fn check_slots(slots: &[MaterialSlot], problems: &mut Problems) {
    let mut keys = HashSet::new();
    for slot in slots {
        let path = format!("materials.{}", slot.key);
        if !is_key(&slot.key) {
            problems.add(&path, "keys are snake_case: [a-z][a-z0-9_]*");
        }
        if !keys.insert(slot.key.as_str()) {
            problems.add(&path, "the key is used twice");
        }
        if slot.name.trim().is_empty() {
            problems.add(&path, "the slot has no name");
        }
        if slot.max_count == 0 {
            problems.add(&path, "max_count 0 allows nothing");
        }
        if slot.accepted_types.is_empty() {
            problems.add(&path, "the slot accepts no file type");
        }
        for file_type in &slot.accepted_types {
            if !FILE_TYPES.contains(&file_type.as_str()) {
                problems.add(
                    &path,
                    format!("unknown file type {file_type:?} (jpeg, png or pdf)"),
                );
            }
        }
        if slot
            .licence_type
            .as_ref()
            .is_some_and(|l| l.trim().is_empty())
        {
            problems.add(&path, "licence_type is blank");
        }
    }
}
