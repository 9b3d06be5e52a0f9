//! Application forms (申请表): one [`FormSchema`] per service item, made
//! from the item's audience, what it is about and its materials, and named
//! by the `form_schema_id` of the item's guides (`GA001.v1`).
//!
//! The forms are generated, not stored: the same item always gives the same
//! form, on every server, so a draft saved against `GA001.v1` reads the same
//! anywhere. Each form has, in order:
//!
//! - who applies ([`applicant`]): a person (name, ID number, address), a
//!   company (name, credit code, legal representative, registered address,
//!   business scope, capital, establishment date, contact) or, for items
//!   open to both, a choice between the two with each block shown only for
//!   its answer; then the mobile number and the region of every form;
//! - what the item is about ([`sections`]): a marriage's other party, the
//!   people moving with a household registration, a newborn, a deceased
//!   person, what changes, why a certificate is replaced, a bank account;
//! - the agent block, shown and required only when an agent applies
//!   (except where the law wants the parties in person: marriage, divorce,
//!   adoption), and remarks;
//! - the material slots of the guide's materials ([`slots`]).
//!
//! Validation is `banshitong_forms::validate`, the code the app runs too.

mod applicant;
mod build;
mod sections;
mod slots;

use banshitong_forms::FormSchema;

use crate::catalog::form_schema::{FORM_SCHEMA_VERSION, for_item};
use crate::catalog::items::ITEMS;

/// The form of `ITEMS[item_index]`.
fn generate(item_index: usize) -> Option<FormSchema> {
    let item = ITEMS.get(item_index)?;
    let mut fields = applicant::block(item);
    fields.extend(sections::for_item(item));
    let delegable = applicant::delegable(item);
    if delegable {
        fields.extend(applicant::agent(item));
    }
    fields.push(applicant::remarks());
    Some(FormSchema {
        id: for_item(item_index),
        version: FORM_SCHEMA_VERSION,
        title: title(item.name),
        fields,
        material_slots: slots::for_item(item, delegable),
    })
}

/// 结婚登记 → 结婚登记申请表; 法律援助申请 → 法律援助申请表.
fn title(name: &str) -> String {
    if name.ends_with("申请") {
        format!("{name}表")
    } else {
        format!("{name}申请表")
    }
}

/// The form a `form_schema_id` names, if any: the item's number in the id
/// picks the item, and the whole id must be that item's.
pub(crate) fn schema(id: &str) -> Option<FormSchema> {
    let (code, _version) = id.split_once(".v")?;
    let digits = code.trim_start_matches(|c: char| c.is_ascii_uppercase());
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: usize = digits.parse().ok()?;
    let index = number.checked_sub(1)?;
    if index >= ITEMS.len() || for_item(index) != id {
        return None;
    }
    generate(index)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use banshitong_forms::{FieldKind, PrefillSource, check_schema};

    use super::*;

    fn every_form() -> Vec<FormSchema> {
        (0..ITEMS.len()).map(|i| generate(i).unwrap()).collect()
    }

    #[test]
    fn every_form_passes_check_schema() {
        for form in every_form() {
            let problems = check_schema(&form);
            assert!(problems.is_empty(), "{}: {problems:?}", form.id);
        }
    }

    #[test]
    fn every_items_form_is_found_by_its_id_and_is_deterministic() {
        for (index, form) in every_form().into_iter().enumerate() {
            assert_eq!(form.id, for_item(index));
            assert_eq!(schema(&form.id).as_ref(), Some(&form));
        }
        for unknown in [
            "",
            "GA001",
            "GA001.v2",
            "GA000.v1",
            "GA999.v1",
            "SCJG001.v1",
            "ga001.v1",
            "GA0001.v1",
            "GA001.v1x",
            "XY001.v1",
        ] {
            assert!(schema(unknown).is_none(), "{unknown}");
        }
    }

    #[test]
    fn every_material_of_the_guide_has_a_slot() {
        for (index, item) in ITEMS.iter().enumerate() {
            let form = generate(index).unwrap();
            let materials: Vec<_> = item
                .materials
                .split('|')
                .map(crate::catalog::generate::material)
                .collect();
            assert!(form.material_slots.len() >= materials.len());
            for (slot, material) in form.material_slots.iter().zip(&materials) {
                assert_eq!(slot.name, material.name);
                assert_eq!(slot.required, material.required);
                let licence = (material.source == "licence")
                    .then(|| material.licence_type.clone())
                    .flatten();
                assert_eq!(slot.licence_type, licence, "{}", slot.name);
            }
            let keys: HashSet<_> = form.material_slots.iter().map(|s| &s.key).collect();
            assert_eq!(keys.len(), form.material_slots.len());
        }
    }

    #[test]
    fn person_and_company_forms_ask_who_applies_with_prefills() {
        let person = schema("GA001.v1").unwrap();
        assert_eq!(person.title, "居民身份证换领申请表");
        let prefill = |form: &FormSchema, key: &str| form.field(key).unwrap().prefill.clone();
        assert_eq!(
            prefill(&person, "applicant_name"),
            Some(PrefillSource::ProfileName)
        );
        assert_eq!(
            prefill(&person, "applicant_id_number"),
            Some(PrefillSource::ProfileIdNumber)
        );
        assert_eq!(
            prefill(&person, "applicant_mobile"),
            Some(PrefillSource::ProfileMobile)
        );
        assert!(person.field("reason").is_some() && person.field("reason_other").is_some());
        assert!(person.field("credit_code").is_none());

        let company = schema("SCJG030.v1").unwrap();
        assert_eq!(company.title, "企业变更登记申请表");
        assert_eq!(
            prefill(&company, "credit_code"),
            Some(PrefillSource::CompanyCreditCode)
        );
        assert_eq!(
            prefill(&company, "company_name"),
            Some(PrefillSource::CompanyName)
        );
        for key in [
            "legal_rep_name",
            "legal_rep_id_number",
            "registered_address",
            "business_scope",
            "registered_capital",
            "established_on",
        ] {
            assert!(company.field(key).is_some(), "{key}");
        }
        // Founding a company: nothing on the register yet.
        let founding = schema("SCJG029.v1").unwrap();
        assert!(founding.field("credit_code").is_none());
        assert!(founding.field("established_on").is_none());
        assert!(founding.field("company_name").unwrap().prefill.is_none());
    }

    #[test]
    fn marriage_and_household_moves_have_their_groups() {
        let marriage = schema("MZ090.v1").unwrap();
        assert_eq!(marriage.title, "结婚登记申请表");
        match &marriage.field("spouse").unwrap().kind {
            FieldKind::Group {
                min_items,
                max_items,
                ..
            } => assert_eq!((*min_items, *max_items), (Some(1), Some(1))),
            other => panic!("{other:?}"),
        }
        let moving = schema("GA005.v1").unwrap();
        assert_eq!(moving.title, "户口迁移申请表");
        let members = moving.field("members").unwrap();
        assert_eq!(
            members
                .group_fields()
                .unwrap()
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>(),
            ["name", "id_number", "relation", "relation_other"]
        );
        assert!(matches!(
            members.kind,
            FieldKind::Group {
                min_items: Some(1),
                max_items: Some(10),
                ..
            }
        ));
    }

    #[test]
    fn forms_open_to_both_audiences_show_one_block() {
        // 机动车注册登记 serves persons and companies.
        let form = schema("GA020.v1").unwrap();
        let company_name = form.field("company_name").unwrap();
        assert_eq!(
            company_name.visible_when.as_ref().unwrap().field,
            "applicant_type"
        );
        assert!(form.field("applicant_name").unwrap().visible_when.is_some());
        assert!(
            form.field("applicant_mobile")
                .unwrap()
                .visible_when
                .is_none()
        );
    }
}
