//! Drafts as text: the form with each field's label, answer, whether it is
//! required and what is wrong with it; the material slots and what fills
//! them; the draft's state. And the JSON shapes `--json` prints.

use std::collections::HashMap;

use banshitong_core::drafts::{Draft, DraftState, FieldError, OutboxStatus, SlotFill};
use serde::Serialize;
use serde_json::{Map, Value};

use super::form::{Field, Form, Kind, Scope, prefill_missing, prefill_source};
use crate::output::{Style, ago, china_time};

/// A draft's answers as a JSON object (an empty one if they don't parse,
/// which the core never writes).
pub fn values_of(draft: &Draft) -> Map<String, Value> {
    serde_json::from_str(&draft.values_json).unwrap_or_default()
}

pub fn state_name(state: &DraftState) -> &'static str {
    match state {
        DraftState::Editing => "editing",
        DraftState::Submitting => "submitting",
        DraftState::Submitted { .. } => "submitted",
    }
}

pub fn application_no(state: &DraftState) -> Option<&str> {
    match state {
        DraftState::Submitted { application_no } => Some(application_no),
        _ => None,
    }
}

/// `editing`, `submitting (queued: sent when the platform can be reached)`,
/// `submitted · 办件编号 YN…`.
pub fn state_text(state: &DraftState) -> String {
    match state {
        DraftState::Editing => "editing".into(),
        DraftState::Submitting => {
            "submitting (queued on this device: sent when the platform can be reached)".into()
        }
        DraftState::Submitted { application_no } => {
            format!("submitted · 办件编号 {application_no}")
        }
    }
}

/// The label of the field or slot an error path names.
pub fn label_at<'a>(form: &'a Form, path: &str) -> Option<&'a str> {
    match path.strip_prefix("materials.") {
        Some(slot) => form.slot(slot).map(|s| s.name.as_str()),
        None => form.field_at(path).map(|f| f.label.as_str()),
    }
}

/// `✗ 法定代表人（负责人）公民身份号码：身份证号码校验位不正确 (id_checksum at legal_rep_id_number)`:
/// the label is added when the message does not name it already.
pub fn error_line(form: Option<&Form>, error: &FieldError) -> String {
    let label = form.and_then(|f| label_at(f, &error.path));
    let message = match label {
        Some(label) if !error.message.contains(label) => format!("{label}：{}", error.message),
        _ => error.message.clone(),
    };
    format!("✗ {message} ({} at {})", error.code, error.path)
}

fn errors_by_path(errors: &[FieldError]) -> HashMap<&str, Vec<&FieldError>> {
    let mut by_path: HashMap<&str, Vec<&FieldError>> = HashMap::new();
    for error in errors {
        by_path.entry(&error.path).or_default().push(error);
    }
    by_path
}

/// How much to show: the overview of a new draft adds what to type and
/// the help text; `show` adds nothing but the answers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Overview,
    Answers,
}

/// The fields, each `label: answer   path · required`, errors under them.
/// Returns the lines and the errors it placed.
pub fn field_lines(
    style: Style,
    form: &Form,
    values: &Map<String, Value>,
    errors: &[FieldError],
    detail: Detail,
) -> (Vec<String>, usize) {
    let by_path = errors_by_path(errors);
    let mut out = Vec::new();
    let mut placed = 0;
    let top = Scope {
        fields: &form.fields,
        values,
        top: None,
    };
    level(
        &mut Level {
            style,
            form,
            by_path: &by_path,
            detail,
            out: &mut out,
            placed: &mut placed,
        },
        &form.fields,
        &top,
        "",
        "  ",
    );
    (out, placed)
}

struct Level<'a> {
    style: Style,
    form: &'a Form,
    by_path: &'a HashMap<&'a str, Vec<&'a FieldError>>,
    detail: Detail,
    out: &'a mut Vec<String>,
    placed: &'a mut usize,
}

fn level(ctx: &mut Level<'_>, fields: &[Field], scope: &Scope<'_>, prefix: &str, indent: &str) {
    let siblings = if prefix.is_empty() { &[][..] } else { fields };
    for field in fields {
        let path = format!("{prefix}{}", field.key);
        let visible = scope.is_visible(field);
        let value = scope.values.get(&field.key);
        let mut facts = vec![path.clone(), field.requirement(ctx.form, siblings)];
        if ctx.detail == Detail::Overview {
            facts.push(field.kind.hint());
        }
        let facts = ctx.style.dim(&facts.join(" · "));
        match &field.kind {
            Kind::Group { fields: inner, .. } => {
                let items = value.and_then(Value::as_array);
                let count = items.map_or(0, Vec::len);
                let shown = if visible {
                    format!("{count} item(s)")
                } else {
                    "(hidden)".to_owned()
                };
                ctx.out
                    .push(format!("{indent}{}: {shown}   {facts}", field.label));
                place_errors(ctx, &path, indent);
                for (i, item) in items.into_iter().flatten().enumerate() {
                    ctx.out.push(format!("{indent}  [{i}]"));
                    let empty = Map::new();
                    let item_values = item.as_object().unwrap_or(&empty);
                    let item_scope = Scope {
                        fields: inner,
                        values: item_values,
                        top: Some(scope),
                    };
                    level(
                        ctx,
                        inner,
                        &item_scope,
                        &format!("{path}[{i}]."),
                        &format!("{indent}    "),
                    );
                }
            }
            _ => {
                let shown = if visible {
                    field
                        .show_value(value)
                        .unwrap_or_else(|| ctx.style.dim("—"))
                } else {
                    ctx.style.dim("(hidden)")
                };
                ctx.out
                    .push(format!("{indent}{}: {shown}   {facts}", field.label));
                if ctx.detail == Detail::Overview
                    && let Some(help) = &field.help
                {
                    ctx.out.push(format!("{indent}    {}", ctx.style.dim(help)));
                }
                place_errors(ctx, &path, indent);
            }
        }
    }
}

fn place_errors(ctx: &mut Level<'_>, path: &str, indent: &str) {
    for error in ctx.by_path.get(path).into_iter().flatten() {
        ctx.out
            .push(format!("{indent}    ✗ {} ({})", error.message, error.code));
        *ctx.placed += 1;
    }
}

/// The material slots: name, what fills it, whether required, how many,
/// which electronic licence stands in for an upload; errors under them.
pub fn slot_lines(
    style: Style,
    form: &Form,
    fills: &[SlotFill],
    errors: &[FieldError],
    detail: Detail,
) -> (Vec<String>, usize) {
    let by_path = errors_by_path(errors);
    let mut out = Vec::new();
    let mut placed = 0;
    for slot in &form.material_slots {
        let refs: Vec<&str> = fills
            .iter()
            .filter(|f| f.slot_key == slot.key)
            .flat_map(|f| f.material_refs.iter().map(String::as_str))
            .collect();
        let shown = if refs.is_empty() {
            style.dim("—")
        } else {
            refs.join(", ")
        };
        let mut facts = vec![
            slot.key.clone(),
            if slot.required {
                "required".into()
            } else {
                "if applicable".into()
            },
            format!("up to {}", slot.max_count),
        ];
        if detail == Detail::Overview {
            facts.push(slot.accepted_types.join("/"));
        }
        if let Some(licence) = &slot.licence_type {
            facts.push(format!(
                "电子证照 {licence} accepted (--licence ID, or licence:{licence}:ID)"
            ));
        }
        out.push(format!(
            "  {}: {shown}   {}",
            slot.name,
            style.dim(&facts.join(" · "))
        ));
        for error in by_path
            .get(format!("materials.{}", slot.key).as_str())
            .into_iter()
            .flatten()
        {
            out.push(format!("      ✗ {} ({})", error.message, error.code));
            placed += 1;
        }
    }
    (out, placed)
}

/// The head of `show`: title, draft, guide, state, revision, when.
pub fn head_lines(style: Style, form: Option<&Form>, draft: &Draft) -> Vec<String> {
    let title = form.map_or(draft.title.as_str(), |f| f.title.as_str());
    let mut out = vec![
        format!("{}  {}", style.bold(title), style.dim(&draft.schema_id)),
        format!(
            "draft {} · {} {}",
            draft.id, draft.guide_name, draft.guide_code
        ),
        format!(
            "state: {} · revision {} · changed {} ({})",
            state_text(&draft.state),
            draft.revision,
            china_time(draft.updated_at_ms),
            ago(draft.updated_at_ms)
        ),
        if draft.synced {
            "on the platform too (continue on another phone)".to_owned()
        } else {
            "saved on this device; `bst draft sync` shares it with the platform".to_owned()
        },
    ];
    if let Some(original) = &draft.conflict_of {
        out.push(format!(
            "conflict copy of draft {original}: this device's edits, kept when the platform's version changed too"
        ));
    }
    if let Some(reason) = &draft.submit_error {
        out.push(format!("the last submission was refused: {reason}"));
    }
    if !draft.platform_errors.is_empty() {
        out.push("the platform refused the last submission:".to_owned());
        for error in &draft.platform_errors {
            out.push(format!("  {}", error_line(form, error)));
        }
    }
    out
}

/// A prefilled answer, or one the platform could have filled but did not know.
#[derive(Serialize)]
pub struct PrefillJson {
    pub path: String,
    pub label: String,
    pub source: String,
    pub value: Option<Value>,
}

/// What a new draft was prefilled with, and what could have been.
pub fn prefills(form: &Form, values: &Map<String, Value>) -> Vec<PrefillJson> {
    form.fields
        .iter()
        .filter_map(|field| {
            let source = field.prefill.as_ref()?.source.clone();
            let value = values
                .get(&field.key)
                .filter(|v| !super::form::is_empty(Some(v)))
                .cloned();
            Some(PrefillJson {
                path: field.key.clone(),
                label: field.label.clone(),
                source,
                value,
            })
        })
        .collect()
}

pub fn prefill_lines(style: Style, form: &Form, prefills: &[PrefillJson]) -> Vec<String> {
    let mut out = Vec::new();
    for p in prefills.iter().filter(|p| p.value.is_some()) {
        let shown = form
            .field_at(&p.path)
            .and_then(|f| f.show_value(p.value.as_ref()))
            .unwrap_or_default();
        out.push(format!(
            "  {}: {shown}   {}",
            p.label,
            style.dim(&format!("{} · from {}", p.path, prefill_source(&p.source)))
        ));
    }
    for p in prefills.iter().filter(|p| p.value.is_none()) {
        out.push(format!(
            "  {}: {}   {}",
            p.label,
            style.dim("—"),
            style.dim(&format!("{} · {}", p.path, prefill_missing(&p.source)))
        ));
    }
    out
}

#[derive(Serialize)]
pub struct DraftJson<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub guide_code: &'a str,
    pub guide_name: &'a str,
    pub schema_id: &'a str,
    /// `editing`, `submitting` or `submitted`.
    pub state: &'static str,
    pub application_no: Option<&'a str>,
    pub revision: u64,
    pub values: Map<String, Value>,
    pub materials: &'a [SlotFill],
    pub platform_errors: &'a [FieldError],
    pub submit_error: Option<&'a str>,
    pub conflict_of: Option<&'a str>,
    pub synced: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl<'a> From<&'a Draft> for DraftJson<'a> {
    fn from(d: &'a Draft) -> Self {
        DraftJson {
            id: &d.id,
            title: &d.title,
            guide_code: &d.guide_code,
            guide_name: &d.guide_name,
            schema_id: &d.schema_id,
            state: state_name(&d.state),
            application_no: application_no(&d.state),
            revision: d.revision,
            values: values_of(d),
            materials: &d.materials,
            platform_errors: &d.platform_errors,
            submit_error: d.submit_error.as_deref(),
            conflict_of: d.conflict_of.as_deref(),
            synced: d.synced,
            created_at_ms: d.created_at_ms,
            updated_at_ms: d.updated_at_ms,
        }
    }
}

#[derive(Serialize)]
pub struct OutboxJson<'a> {
    pub pending: u32,
    pub last_error: Option<&'a str>,
    pub next_attempt_at_ms: Option<i64>,
}

impl<'a> From<&'a OutboxStatus> for OutboxJson<'a> {
    fn from(s: &'a OutboxStatus) -> Self {
        OutboxJson {
            pending: s.pending,
            last_error: s.last_error.as_deref(),
            next_attempt_at_ms: s.next_attempt_at_ms,
        }
    }
}
