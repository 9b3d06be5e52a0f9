//! Filling a new draft with what the platform already knows about the
//! applicant — the rule is never to ask for what is already known.

use banshitong_forms::{FieldKind, FormSchema, PrefillSource};
use serde::Deserialize;
use serde_json::{Map, Value};

/// What the platform knows, unmasked (`GET /api/v1/me/prefill`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Known {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) id_number: Option<String>,
    #[serde(default)]
    pub(crate) mobile: Option<String>,
    #[serde(default)]
    pub(crate) company_name: Option<String>,
    #[serde(default)]
    pub(crate) company_credit_code: Option<String>,
}

impl Known {
    fn value(&self, source: &PrefillSource) -> Option<&str> {
        let value = match source {
            PrefillSource::ProfileName => self.name.as_deref(),
            PrefillSource::ProfileIdNumber => self.id_number.as_deref(),
            PrefillSource::ProfileMobile => self.mobile.as_deref(),
            PrefillSource::CompanyName => self.company_name.as_deref(),
            PrefillSource::CompanyCreditCode => self.company_credit_code.as_deref(),
            // The licence library arrives with electronic licences.
            PrefillSource::LicenceNumber { .. } => None,
        };
        // A masked value (张*三) is for display, never for a form.
        value.filter(|v| !v.is_empty() && !v.contains('*'))
    }
}

/// The answers a new draft starts with.
pub(crate) fn prefill(schema: &FormSchema, known: &Known) -> Map<String, Value> {
    let mut values = Map::new();
    for field in &schema.fields {
        if matches!(field.kind, FieldKind::Group { .. }) {
            continue;
        }
        if let Some(value) = field.prefill.as_ref().and_then(|s| known.value(s)) {
            values.insert(field.key.clone(), Value::String(value.to_owned()));
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fills_known_fields_and_never_masked_ones() {
        let schema: FormSchema = serde_json::from_value(json!({
            "id": "X.v1", "version": 1, "title": "t",
            "fields": [
                {"key": "name", "label": "姓名", "kind": {"type": "text"}, "required": true,
                 "prefill": {"source": "profile_name"}},
                {"key": "id", "label": "身份证", "kind": {"type": "id_number"}, "required": true,
                 "prefill": {"source": "profile_id_number"}},
                {"key": "phone", "label": "手机", "kind": {"type": "mobile"}, "required": true,
                 "prefill": {"source": "profile_mobile"}},
                {"key": "note", "label": "备注", "kind": {"type": "text"}, "required": false}
            ]
        }))
        .unwrap();
        let known = Known {
            name: Some("张三".into()),
            id_number: Some("1101**********002X".into()),
            mobile: Some("13800000000".into()),
            ..Known::default()
        };
        let values = prefill(&schema, &known);
        assert_eq!(
            Value::Object(values),
            json!({"name": "张三", "phone": "13800000000"})
        );
    }
}
