//! A form and its fields.

use serde::{Deserialize, Serialize};

use super::{Condition, FieldKind, MaterialSlot, PrefillSource, Rules};

/// One application form (申请表), e.g. `GA001.v1`. A guide names the form its
/// drafts use (`form_schema_id`); a changed form gets a new version and the
/// old one is kept, so drafts saved against it can still be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FormSchema {
    /// `<item code>.v<version>`, e.g. `GA001.v1`.
    pub id: String,
    pub version: u32,
    /// Shown above the form, e.g. 居民身份证换领申请表.
    pub title: String,
    /// In display order; validation reports errors in this order too.
    pub fields: Vec<FieldSpec>,
    /// The materials (申请材料) the application needs, in display order.
    #[serde(default)]
    pub material_slots: Vec<MaterialSlot>,
}

impl FormSchema {
    /// The top-level field with this key.
    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|field| field.key == key)
    }

    /// The material slot with this key.
    pub fn slot(&self, key: &str) -> Option<&MaterialSlot> {
        self.material_slots.iter().find(|slot| slot.key == key)
    }
}

/// One question of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FieldSpec {
    /// The value's key in the draft: ASCII snake_case (`[a-z][a-z0-9_]*`),
    /// so error paths like `members[1].id_number` parse without quoting.
    pub key: String,
    /// Chinese, shown to the user and used in error messages, e.g. 姓名.
    pub label: String,
    pub kind: FieldKind,
    /// Always required while visible. See also `required_when`.
    #[serde(default)]
    pub required: bool,
    /// A hint under the field, e.g. 与身份证上的姓名一致.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
    /// Shown (and validated) only while this holds; a hidden field's value
    /// is ignored, so switching a choice back and forth loses nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    /// Required, when visible, while this holds (even if `required` is false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    /// What the platform already knows that fills this field; a hint for
    /// clients. The value is still validated like any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillSource>,
}

impl FieldSpec {
    /// The fields of one item, when this is a group.
    pub fn group_fields(&self) -> Option<&[FieldSpec]> {
        match &self.kind {
            FieldKind::Group { fields, .. } => Some(fields),
            _ => None,
        }
    }
}
