//! The form a draft fills, as `bst` reads and shows it.
//!
//! `Drafts::schema` returns the forms crate's `FormSchema`; `bst` reads it
//! through its documented JSON shape (forms/README.md) into the small view
//! below, so the CLI needs no direct dependency on the forms crate and
//! ignores members a newer platform adds. What counts — validation — is
//! always the core's (`validate`, `set_field`); this module only labels,
//! explains and turns what was typed into a JSON value.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Deserialize)]
pub struct Form {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
    #[serde(default)]
    pub material_slots: Vec<Slot>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub visible_when: Option<Condition>,
    #[serde(default)]
    pub required_when: Option<Condition>,
    #[serde(default)]
    pub prefill: Option<Prefill>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Text,
    Number {
        #[serde(default)]
        integer: bool,
    },
    Date,
    SingleChoice {
        options: Vec<Choice>,
    },
    MultipleChoice {
        options: Vec<Choice>,
    },
    Region,
    IdNumber,
    CreditCode,
    Mobile,
    Address,
    Group {
        fields: Vec<Field>,
        #[serde(default)]
        min_items: Option<u32>,
        #[serde(default)]
        max_items: Option<u32>,
    },
    /// A kind this `bst` does not know (the core refuses such forms; here
    /// it is only shown).
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Condition {
    pub field: String,
    #[serde(default)]
    pub equals: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Prefill {
    /// `profile_name`, `profile_id_number`, `profile_mobile`,
    /// `company_name`, `company_credit_code`, `licence_number`.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Slot {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub accepted_types: Vec<String>,
    #[serde(default = "one")]
    pub max_count: u32,
    #[serde(default)]
    pub licence_type: Option<String>,
}

fn one() -> u32 {
    1
}

impl Form {
    /// Reads the core's `FormSchema` through its JSON form.
    pub fn read<T: Serialize>(schema: &T) -> anyhow::Result<Form> {
        let json = serde_json::to_value(schema).context("the form does not serialise")?;
        serde_json::from_value(json).context("the form is not in the shape bst reads")
    }

    pub fn slot(&self, key: &str) -> Option<&Slot> {
        self.material_slots.iter().find(|s| s.key == key)
    }

    /// The field a value path names: `company_name`, `members[1].name`, or
    /// a whole group (`members`). `None` for anything else, including one
    /// group item (`members[0]`), which is set field by field.
    pub fn field_at(&self, path: &str) -> Option<&Field> {
        let mut fields = self.fields.as_slice();
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let (key, indices) = match part.find('[') {
                Some(at) => (&part[..at], &part[at..]),
                None => (part, ""),
            };
            let field = fields.iter().find(|f| f.key == key)?;
            let last = parts.peek().is_none();
            match (&field.kind, last, indices.is_empty()) {
                (_, true, true) => return Some(field),
                (Kind::Group { fields: inner, .. }, false, false) => fields = inner,
                _ => return None,
            }
        }
        None
    }

    /// Every path a value can be set at, for "the form has no field …".
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for field in &self.fields {
            match &field.kind {
                Kind::Group { fields, .. } => {
                    out.extend(fields.iter().map(|f| format!("{}[0].{}", field.key, f.key)))
                }
                _ => out.push(field.key.clone()),
            }
        }
        out
    }

    /// A condition as a person reads it: 办理方式 is 委托代理人办理.
    pub fn condition_text(&self, siblings: &[Field], condition: &Condition) -> String {
        let field = siblings
            .iter()
            .chain(&self.fields)
            .find(|f| f.key == condition.field);
        let Some(field) = field else {
            return format!("{} has a value", condition.field);
        };
        match &condition.equals {
            None | Some(Value::Null) => format!("{} is filled in", field.label),
            Some(expected) => {
                let shown = match (expected, field.kind.options()) {
                    (Value::String(v), Some(options)) => options
                        .iter()
                        .find(|o| &o.value == v)
                        .map(|o| o.label.clone())
                        .unwrap_or_else(|| v.clone()),
                    (Value::String(v), None) => v.clone(),
                    (other, _) => other.to_string(),
                };
                let verb = if matches!(field.kind, Kind::MultipleChoice { .. }) {
                    "includes"
                } else {
                    "is"
                };
                format!("{} {verb} {shown}", field.label)
            }
        }
    }
}

impl Kind {
    pub fn options(&self) -> Option<&[Choice]> {
        match self {
            Kind::SingleChoice { options } | Kind::MultipleChoice { options } => Some(options),
            _ => None,
        }
    }

    /// Kinds whose answer is text: a bare `13800000000` typed for them is
    /// the text typed, not a JSON number.
    fn takes_text(&self) -> bool {
        matches!(
            self,
            Kind::Text
                | Kind::Address
                | Kind::Date
                | Kind::SingleChoice { .. }
                | Kind::Region
                | Kind::IdNumber
                | Kind::CreditCode
                | Kind::Mobile
        )
    }

    /// What to type: `ID number (18 characters)`, `one of: no 本人办理, …`.
    pub fn hint(&self) -> String {
        let choices = |options: &[Choice]| {
            options
                .iter()
                .map(|o| format!("{} {}", o.value, o.label))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Kind::Text => "text".into(),
            Kind::Address => "address".into(),
            Kind::Number { integer: true } => "whole number".into(),
            Kind::Number { integer: false } => "number".into(),
            Kind::Date => "date YYYY-MM-DD".into(),
            Kind::SingleChoice { options } => format!("one of: {}", choices(options)),
            Kind::MultipleChoice { options } => format!("any of: {}", choices(options)),
            Kind::Region => "region code, e.g. 530102".into(),
            Kind::IdNumber => "ID number, 18 characters".into(),
            Kind::CreditCode => "unified social credit code, 18 characters".into(),
            Kind::Mobile => "mobile number, 11 digits".into(),
            Kind::Group {
                min_items,
                max_items,
                ..
            } => match (min_items, max_items) {
                (Some(a), Some(b)) if a == b => format!("group of {a} item(s)"),
                (Some(a), Some(b)) => format!("group of {a} to {b} items"),
                (Some(a), None) => format!("group of at least {a} item(s)"),
                (None, Some(b)) => format!("group of up to {b} items"),
                (None, None) => "group".into(),
            },
            Kind::Other => "field".into(),
        }
    }
}

impl Field {
    /// `required`, `optional`, `required when 办理方式 is …`, and whether it
    /// is shown only sometimes.
    pub fn requirement(&self, form: &Form, siblings: &[Field]) -> String {
        let mut text = match (&self.required, &self.required_when) {
            (true, _) => "required".to_owned(),
            (false, Some(c)) => format!("required when {}", form.condition_text(siblings, c)),
            (false, None) => "optional".to_owned(),
        };
        if let Some(c) = &self.visible_when {
            text.push_str(&format!(
                ", shown when {}",
                form.condition_text(siblings, c)
            ));
        }
        text
    }

    /// The answer as a person reads it; `None` when there is none.
    pub fn show_value(&self, value: Option<&Value>) -> Option<String> {
        if is_empty(value) {
            return None;
        }
        let value = value?;
        let label_of = |v: &str| -> String {
            match self
                .kind
                .options()
                .and_then(|options| options.iter().find(|o| o.value == v))
            {
                Some(option) => format!("{} ({v})", option.label),
                None => v.to_owned(),
            }
        };
        Some(match value {
            Value::String(text) => label_of(text),
            Value::Array(items) if self.kind.options().is_some() => items
                .iter()
                .map(|item| match item {
                    Value::String(v) => label_of(v),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("、"),
            other => other.to_string(),
        })
    }

    /// Turns what was typed into the JSON answer: JSON if it parses, else
    /// the text. For fields whose answer is text (names, ID numbers, mobile
    /// numbers, regions, dates, choices) a bare number or `true` stays the
    /// text typed; a choice may be typed by its label (委托代理人办理) and a
    /// multiple choice as `a,b`.
    pub fn parse_input(&self, raw: &str) -> Value {
        let parsed = serde_json::from_str::<Value>(raw).ok();
        let value = match parsed {
            Some(Value::Number(_) | Value::Bool(_)) if self.kind.takes_text() => {
                Value::String(raw.to_owned())
            }
            Some(v) => v,
            None => match &self.kind {
                Kind::MultipleChoice { .. } => Value::Array(
                    raw.split([',', '，', '、'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                ),
                _ => Value::String(raw.to_owned()),
            },
        };
        self.choice_values(value)
    }

    /// Option labels typed for a choice become the option's value.
    fn choice_values(&self, value: Value) -> Value {
        let Some(options) = self.kind.options() else {
            return value;
        };
        let by_label = |v: Value| match &v {
            Value::String(text) => match options.iter().find(|o| &o.label == text) {
                Some(option) if !options.iter().any(|o| &o.value == text) => {
                    Value::String(option.value.clone())
                }
                _ => v,
            },
            _ => v,
        };
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(by_label).collect()),
            other => by_label(other),
        }
    }
}

/// Empty as the validator sees it: missing, null, blank text, no items.
pub fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Where conditions look for answers: a field's siblings, then the top
/// level (the forms crate's rule, for showing which fields are hidden).
pub struct Scope<'a> {
    pub fields: &'a [Field],
    pub values: &'a Map<String, Value>,
    pub top: Option<&'a Scope<'a>>,
}

impl Scope<'_> {
    pub fn is_visible(&self, field: &Field) -> bool {
        self.visible_at(field, 0)
    }

    fn visible_at(&self, field: &Field, depth: usize) -> bool {
        match &field.visible_when {
            None => true,
            Some(condition) => self.holds(condition, depth),
        }
    }

    fn holds(&self, condition: &Condition, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        let Some((scope, field)) = self.lookup(&condition.field) else {
            return false;
        };
        if !scope.visible_at(field, depth + 1) {
            return false;
        }
        let value = scope.values.get(&field.key);
        if is_empty(value) {
            return false;
        }
        match (&condition.equals, value) {
            (None | Some(Value::Null), _) => true,
            (Some(expected), Some(Value::Array(items))) if !expected.is_array() => {
                items.iter().any(|item| json_equal(item, expected))
            }
            (Some(expected), Some(value)) => json_equal(value, expected),
            (Some(_), None) => false,
        }
    }

    fn lookup(&self, key: &str) -> Option<(&Scope<'_>, &Field)> {
        match self.fields.iter().find(|f| f.key == key) {
            Some(field) => Some((self, field)),
            None => self.top.and_then(|top| top.lookup(key)),
        }
    }
}

fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// What a prefill source is, for "prefilled from …".
pub fn prefill_source(source: &str) -> &'static str {
    match source {
        "profile_name" => "your verified real name",
        "profile_id_number" => "your verified ID number",
        "profile_mobile" => "your mobile number",
        "company_name" => "the company you act for",
        "company_credit_code" => "the company you act for",
        "licence_number" => "an electronic licence you hold",
        _ => "what the platform knows",
    }
}

/// Why a prefill source gave nothing, and how to get it next time.
pub fn prefill_missing(source: &str) -> &'static str {
    match source {
        "profile_name" | "profile_id_number" => {
            "known once your account passes real-name verification (实名认证)"
        }
        "company_name" | "company_credit_code" => "known when you act for a company (法人办事)",
        "licence_number" => "electronic licences are not available to drafts yet",
        _ => "not known to the platform",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form() -> Form {
        serde_json::from_value(json!({
            "id": "X001.v1", "version": 1, "title": "测试申请表",
            "fields": [
                {"key": "name", "label": "姓名", "kind": {"type": "text"}, "required": true,
                 "prefill": {"source": "profile_name"}},
                {"key": "mobile", "label": "手机", "kind": {"type": "mobile"}},
                {"key": "capital", "label": "资本", "kind": {"type": "number"}},
                {"key": "agent", "label": "办理方式", "kind": {"type": "single_choice", "options": [
                    {"value": "no", "label": "本人办理"}, {"value": "yes", "label": "委托代理人办理"}]}},
                {"key": "agent_name", "label": "代理人姓名", "kind": {"type": "text"},
                 "required": true, "visible_when": {"field": "agent", "equals": "yes"}},
                {"key": "members", "label": "成员", "kind": {"type": "group", "min_items": 1,
                 "fields": [{"key": "name", "label": "成员姓名", "kind": {"type": "text"}}]}},
                {"key": "future", "label": "新类型", "kind": {"type": "signature", "x": 1}}
            ],
            "material_slots": [{"key": "id_card", "name": "居民身份证", "accepted_types": ["pdf"],
                                "licence_type": "居民身份证", "unknown_member": true}]
        }))
        .unwrap()
    }

    #[test]
    fn paths_name_fields_and_group_fields() {
        let form = form();
        assert_eq!(form.field_at("name").unwrap().label, "姓名");
        assert_eq!(form.field_at("members[2].name").unwrap().label, "成员姓名");
        assert_eq!(form.field_at("members").unwrap().label, "成员");
        assert!(form.field_at("members[0]").is_none());
        assert!(form.field_at("name[0]").is_none());
        assert!(form.field_at("members.name").is_none());
        assert!(form.field_at("nope").is_none());
        assert!(matches!(form.field_at("future").unwrap().kind, Kind::Other));
        assert_eq!(form.slot("id_card").unwrap().max_count, 1);
    }

    #[test]
    fn typed_values_become_json_answers() {
        let form = form();
        let parse = |path: &str, raw: &str| form.field_at(path).unwrap().parse_input(raw);
        assert_eq!(parse("mobile", "13800000000"), json!("13800000000"));
        assert_eq!(parse("name", "张三"), json!("张三"));
        assert_eq!(parse("name", "null"), Value::Null);
        assert_eq!(parse("name", "\"12\""), json!("12"));
        assert_eq!(parse("capital", "50"), json!(50));
        assert_eq!(parse("capital", "五十"), json!("五十"));
        assert_eq!(parse("agent", "委托代理人办理"), json!("yes"));
        assert_eq!(parse("agent", "no"), json!("no"));
        assert_eq!(
            parse("members", r#"[{"name":"李四"}]"#),
            json!([{"name": "李四"}])
        );
    }

    #[test]
    fn conditions_read_and_hide_as_the_validator_does() {
        let form = form();
        let agent_name = form.field_at("agent_name").unwrap();
        assert_eq!(
            agent_name.requirement(&form, &[]),
            "required, shown when 办理方式 is 委托代理人办理"
        );
        let mut values = Map::new();
        let hidden = Scope {
            fields: &form.fields,
            values: &values,
            top: None,
        }
        .is_visible(agent_name);
        assert!(!hidden);
        values.insert("agent".into(), json!("yes"));
        let scope = Scope {
            fields: &form.fields,
            values: &values,
            top: None,
        };
        assert!(scope.is_visible(agent_name));
        let agent = form.field_at("agent").unwrap();
        assert_eq!(
            agent.show_value(values.get("agent")).unwrap(),
            "委托代理人办理 (yes)"
        );
        assert_eq!(agent.show_value(None), None);
    }
}
