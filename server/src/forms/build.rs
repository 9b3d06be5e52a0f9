//! Small constructors for form fields, so the form definitions read like
//! the paper forms they copy.

use banshitong_forms::{
    ChoiceOption, Condition, FieldKind, FieldSpec, Limit, PrefillSource, Rules,
};

fn field(key: &str, label: &str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        key: key.to_owned(),
        label: label.to_owned(),
        kind,
        required: false,
        help: None,
        rules: Rules::default(),
        visible_when: None,
        required_when: None,
        prefill: None,
    }
}

pub(super) fn text(key: &str, label: &str, max_length: u32) -> FieldSpec {
    field(key, label, FieldKind::Text).max_length(max_length)
}

pub(super) fn address(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::Address).max_length(100)
}

pub(super) fn number(key: &str, label: &str, integer: bool) -> FieldSpec {
    field(key, label, FieldKind::Number { integer })
}

pub(super) fn date(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::Date)
}

pub(super) fn region(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::Region)
}

pub(super) fn id_number(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::IdNumber)
}

pub(super) fn credit_code(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::CreditCode)
}

pub(super) fn mobile(key: &str, label: &str) -> FieldSpec {
    field(key, label, FieldKind::Mobile)
}

/// `options` are `(value, label)` pairs.
pub(super) fn single_choice(key: &str, label: &str, options: &[(&str, &str)]) -> FieldSpec {
    field(
        key,
        label,
        FieldKind::SingleChoice {
            options: choices(options),
        },
    )
}

pub(super) fn multiple_choice(key: &str, label: &str, options: &[(&str, &str)]) -> FieldSpec {
    field(
        key,
        label,
        FieldKind::MultipleChoice {
            options: choices(options),
        },
    )
}

pub(super) fn group(
    key: &str,
    label: &str,
    fields: Vec<FieldSpec>,
    min_items: u32,
    max_items: u32,
) -> FieldSpec {
    field(
        key,
        label,
        FieldKind::Group {
            fields,
            min_items: Some(min_items),
            max_items: Some(max_items),
        },
    )
}

fn choices(options: &[(&str, &str)]) -> Vec<ChoiceOption> {
    options
        .iter()
        .map(|(value, label)| ChoiceOption {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}

/// Chained setters on a field.
pub(super) trait FieldExt: Sized {
    fn required(self) -> Self;
    fn help(self, help: &str) -> Self;
    fn prefill(self, source: PrefillSource) -> Self;
    /// Shown only while `field` equals `value`; hidden fields are neither
    /// required nor checked.
    fn shown_when(self, field: &str, value: &str) -> Self;
    fn max_length(self, max: u32) -> Self;
    fn pattern(self, pattern: &str) -> Self;
    fn min(self, min: Limit) -> Self;
}

impl FieldExt for FieldSpec {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn help(mut self, help: &str) -> Self {
        self.help = Some(help.to_owned());
        self
    }

    fn prefill(mut self, source: PrefillSource) -> Self {
        self.prefill = Some(source);
        self
    }

    fn shown_when(mut self, field: &str, value: &str) -> Self {
        self.visible_when = Some(Condition::equals(field, value));
        self
    }

    fn max_length(mut self, max: u32) -> Self {
        self.rules.max_length = Some(max);
        self
    }

    fn pattern(mut self, pattern: &str) -> Self {
        self.rules.pattern = Some(pattern.to_owned());
        self
    }

    fn min(mut self, min: Limit) -> Self {
        self.rules.min = Some(min);
        self
    }
}

/// Applies `shown_when(field, value)` to every field of `fields`, for a
/// block that belongs to one answer (the company block of a form open to
/// persons and companies).
pub(super) fn all_shown_when(fields: Vec<FieldSpec>, field: &str, value: &str) -> Vec<FieldSpec> {
    fields
        .into_iter()
        .map(|spec| spec.shown_when(field, value))
        .collect()
}

pub(super) fn date_limit(date: &str) -> Limit {
    Limit::Date(date.to_owned())
}
