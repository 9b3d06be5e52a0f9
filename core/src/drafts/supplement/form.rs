//! The form of a supplement answer (补正材料), made on the device from the
//! office's request: one required material slot per requested material and
//! an optional comment, so the ordinary draft machinery (`set_materials`,
//! `validate`, the materials queue's "attach to draft slot") works on it
//! unchanged.
//!
//! Its id and the draft's id are derived from the application number and
//! the request's `request_seq`, so starting the same answer twice finds the
//! same draft. The form is stored in the personal database with the draft
//! (`supplement_forms`), never in the shared catalog: the office's reasons
//! are about one person's application.

use banshitong_forms::{FieldKind, FieldSpec, FormSchema, MaterialSlot, Rules};
use sha2::{Digest, Sha256};

use super::super::model::SupplementDraftRequest;
use super::super::sync::uuid_like;
use crate::error::{Error, Result};

/// Every supplement form's id starts with this; no platform form's does
/// (theirs are `<item code>.v<version>`).
const SCHEMA_PREFIX: &str = "supplement:";

/// The answer's free-text field (`values.comment`), sent as the body's `comment`.
pub(crate) const COMMENT_FIELD: &str = "comment";

/// Long enough for a note to the office, short enough for one screen.
const COMMENT_MAX_CHARS: u32 = 500;

/// What a requested material may be when the guide's own form doesn't say.
const ANY_FILE_TYPE: [&str; 3] = ["jpeg", "png", "pdf"];

/// Files per requested material when the guide's own form doesn't say: a
/// few pages of a booklet (户口簿), and a re-taken photo replaces the last.
const DEFAULT_MAX_FILES: u32 = 5;

pub(crate) fn schema_id(application_no: &str, request_seq: i64) -> String {
    format!("{SCHEMA_PREFIX}{application_no}:{request_seq}")
}

pub(crate) fn is_supplement_schema(schema_id: &str) -> bool {
    schema_id.starts_with(SCHEMA_PREFIX)
}

/// A UUID-shaped id (version 8: name-based, SHA-256) for the answer to one
/// request: the same application and request always give the same id.
pub(crate) fn draft_id(application_no: &str, request_seq: i64) -> String {
    let digest = Sha256::digest(format!("bst-supplement\n{application_no}\n{request_seq}"));
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid_like::from_bytes(b, 8)
}

/// Refuses a request no answer could be sent for.
pub(crate) fn check(request: &SupplementDraftRequest) -> Result<()> {
    let no = &request.application_no;
    // The number becomes a path segment of the supplement endpoint.
    if no.is_empty()
        || !no
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid_input("the application number is malformed"));
    }
    if request.request_seq < 0 {
        return Err(Error::invalid_input(
            "a supplement request_seq is never negative",
        ));
    }
    if request.slots.is_empty() {
        return Err(Error::invalid_input(
            "the supplement request names no materials",
        ));
    }
    for (i, slot) in request.slots.iter().enumerate() {
        if slot.key.trim().is_empty() {
            return Err(Error::invalid_input("a requested material has no key"));
        }
        if request.slots[..i].iter().any(|s| s.key == slot.key) {
            return Err(Error::invalid_input(format!(
                "the material {} is requested twice",
                slot.key
            )));
        }
    }
    Ok(())
}

/// The answer's form. A requested key that is also a slot of the guide's
/// own form (when it could be read) keeps that slot's file types, count and
/// licence type, so e.g. a photo slot still takes only pictures and a held
/// licence can answer a licence slot.
pub(crate) fn build(
    request: &SupplementDraftRequest,
    guide_form: Option<&FormSchema>,
) -> FormSchema {
    let material_slots = request
        .slots
        .iter()
        .map(|asked| {
            let known = guide_form.and_then(|form| form.slot(&asked.key));
            let name = if asked.name.trim().is_empty() {
                known.map_or_else(|| asked.key.clone(), |k| k.name.clone())
            } else {
                asked.name.clone()
            };
            MaterialSlot {
                key: asked.key.clone(),
                name,
                required: true,
                accepted_types: known.map_or_else(
                    || ANY_FILE_TYPE.iter().map(|t| (*t).to_owned()).collect(),
                    |k| k.accepted_types.clone(),
                ),
                max_count: known.map_or(DEFAULT_MAX_FILES, |k| k.max_count.max(1)),
                licence_type: known.and_then(|k| k.licence_type.clone()),
            }
        })
        .collect();
    let office_note = request
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| format!("窗口意见：{c}"));
    FormSchema {
        id: schema_id(&request.application_no, request.request_seq),
        version: 1,
        title: format!("{}（补正材料）", request.guide_name),
        fields: vec![FieldSpec {
            key: COMMENT_FIELD.to_owned(),
            label: "补正说明".to_owned(),
            kind: FieldKind::Text,
            required: false,
            help: office_note,
            rules: Rules {
                max_length: Some(COMMENT_MAX_CHARS),
                ..Rules::default()
            },
            visible_when: None,
            required_when: None,
            prefill: None,
        }],
        material_slots,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::model::SupplementSlot;
    use super::*;

    fn request(keys: &[&str]) -> SupplementDraftRequest {
        SupplementDraftRequest {
            application_no: "530000-20261127-000123".into(),
            request_seq: 3,
            guide_code: "GA001-530102".into(),
            guide_name: "居民身份证换领".into(),
            comment: Some("请补交清晰照片".into()),
            slots: keys
                .iter()
                .map(|k| SupplementSlot {
                    key: (*k).into(),
                    name: "近期免冠照片".into(),
                    reason: "照片模糊".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn ids_are_derived_from_the_number_and_the_request() {
        let a = draft_id("530000-20261127-000123", 3);
        assert_eq!(a, draft_id("530000-20261127-000123", 3));
        assert_ne!(a, draft_id("530000-20261127-000123", 4));
        assert_ne!(a, draft_id("530000-20261127-000124", 3));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(is_supplement_schema(&schema_id("N1", 3)));
        assert!(!is_supplement_schema("GA001.v1"));
    }

    #[test]
    fn the_form_asks_for_every_requested_material() {
        let form = build(&request(&["photo", "hukou"]), None);
        assert_eq!(form.material_slots.len(), 2);
        assert!(form.material_slots.iter().all(|s| s.required));
        assert_eq!(form.material_slots[0].accepted_types.len(), 3);
        assert_eq!(form.fields[0].key, COMMENT_FIELD);
        assert!(!form.fields[0].required);
        assert_eq!(
            form.fields[0].help.as_deref(),
            Some("窗口意见：请补交清晰照片")
        );
        assert!(banshitong_forms::check_schema(&form).is_empty());

        let values = banshitong_forms::Values::new();
        let errors = banshitong_forms::validate(&form, &values, &[]);
        assert_eq!(errors.len(), 2, "both slots are unfilled: {errors:?}");
    }

    #[test]
    fn a_slot_the_guide_knows_keeps_its_rules() {
        let guide = FormSchema {
            id: "GA001.v1".into(),
            version: 1,
            title: "申请表".into(),
            fields: Vec::new(),
            material_slots: vec![MaterialSlot {
                key: "photo".into(),
                name: "照片".into(),
                required: true,
                accepted_types: vec!["jpeg".into()],
                max_count: 1,
                licence_type: None,
            }],
        };
        let form = build(&request(&["photo", "other"]), Some(&guide));
        assert_eq!(form.material_slots[0].accepted_types, vec!["jpeg"]);
        assert_eq!(form.material_slots[0].max_count, 1);
        assert_eq!(form.material_slots[0].name, "近期免冠照片");
        assert_eq!(form.material_slots[1].max_count, DEFAULT_MAX_FILES);
    }

    #[test]
    fn unusable_requests_are_refused() {
        assert!(check(&request(&["photo"])).is_ok());
        assert!(check(&request(&[])).is_err());
        assert!(check(&request(&["photo", "photo"])).is_err());
        assert!(check(&request(&[" "])).is_err());
        let mut bad_no = request(&["photo"]);
        bad_no.application_no = "../x".into();
        assert!(check(&bad_no).is_err());
    }
}
