//! Material slots: required, too many, licences standing in for uploads,
//! and references the form can't take.

mod common;

use banshitong_forms::{MaterialRef, SlotFill, validate};
use common::{allowance_draft, allowance_form, codes, fill};

fn slot_errors(fills: &[SlotFill]) -> Vec<(String, &'static str)> {
    codes(&validate(&allowance_form(), &allowance_draft(), fills))
}

fn licence(licence_type: &str) -> String {
    MaterialRef::licence(licence_type, "L0001")
}

#[test]
fn required_slots_must_be_filled() {
    assert_eq!(
        slot_errors(&[fill("hukou", &["u1"])]),
        [("materials.id_card".to_string(), "slot_required")]
    );
    // An empty fill is no fill.
    assert_eq!(
        slot_errors(&[fill("id_card", &[]), fill("hukou", &["u1"])]),
        [("materials.id_card".to_string(), "slot_required")]
    );
    // The optional slot may stay empty; uploads satisfy both required ones.
    assert_eq!(
        slot_errors(&[fill("id_card", &["u1"]), fill("hukou", &["u2"])]),
        []
    );
}

#[test]
fn a_held_licence_satisfies_its_slot() {
    let id_card = licence("居民身份证");
    let hukou = licence("户口簿");
    assert_eq!(
        slot_errors(&[fill("id_card", &[&id_card]), fill("hukou", &[&hukou])]),
        []
    );
}

#[test]
fn a_licence_of_another_type_or_in_a_slot_without_licences_is_refused() {
    let marriage = licence("结婚证");
    let hukou = licence("户口簿");
    assert_eq!(
        slot_errors(&[
            fill("id_card", &[&marriage]),
            fill("hukou", &["u1"]),
            fill("income_proof", &[&hukou]),
        ]),
        [
            ("materials.id_card".to_string(), "slot_wrong_licence"),
            ("materials.income_proof".to_string(), "slot_wrong_licence"),
        ]
    );
}

#[test]
fn too_many_counts_distinct_references_across_fills() {
    assert_eq!(
        slot_errors(&[fill("id_card", &["u1", "u2", "u3"]), fill("hukou", &["u4"])]),
        [("materials.id_card".to_string(), "slot_too_many")]
    );
    // One fill per file adds up.
    assert_eq!(
        slot_errors(&[
            fill("id_card", &["u1"]),
            fill("id_card", &["u2"]),
            fill("id_card", &["u3"]),
            fill("hukou", &["u4"]),
        ]),
        [("materials.id_card".to_string(), "slot_too_many")]
    );
    // The same file twice is one file.
    assert_eq!(
        slot_errors(&[fill("id_card", &["u1", "u2", "u1"]), fill("hukou", &["u4"])]),
        []
    );
}

#[test]
fn bad_references_and_unknown_slots() {
    assert_eq!(
        slot_errors(&[
            fill("id_card", &["u1", " "]),
            fill("hukou", &["licence:户口簿"]),
            fill("photo", &["u9"]),
            fill("photo", &["u10"]),
        ]),
        [
            ("materials.id_card".to_string(), "bad_material_ref"),
            ("materials.hukou".to_string(), "bad_material_ref"),
            ("materials.photo".to_string(), "unknown_slot"),
        ]
    );
}
