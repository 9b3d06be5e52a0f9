//! Material slots: each slot's references, then fills for slots the form
//! doesn't have. Whether an upload id exists and belongs to the applicant,
//! or a licence is really held, only the platform knows; this checks what
//! the form says.

use crate::FieldError;
use crate::messages::{self, Refusal};
use crate::schema::{MaterialRef, MaterialSlot, SlotFill};

use super::fields::at;

pub(crate) fn check_slots(
    slots: &[MaterialSlot],
    fills: &[SlotFill],
    errors: &mut Vec<FieldError>,
) {
    for slot in slots {
        // Several fills for one slot add up, so a client may send one per file.
        let refs: Vec<&str> = fills
            .iter()
            .filter(|fill| fill.slot_key == slot.key)
            .flat_map(|fill| fill.material_refs.iter().map(String::as_str))
            .collect();
        if let Err(refusal) = check_slot(slot, &refs) {
            errors.push(at(&slot_path(&slot.key), refusal));
        }
    }
    let mut reported: Vec<&str> = Vec::new();
    for fill in fills {
        let key = fill.slot_key.as_str();
        if !slots.iter().any(|slot| slot.key == key) && !reported.contains(&key) {
            reported.push(key);
            errors.push(at(&slot_path(key), messages::unknown_slot()));
        }
    }
}

fn check_slot(slot: &MaterialSlot, refs: &[&str]) -> Result<(), Refusal> {
    // The same file or licence named twice is one material, not two.
    let mut distinct: Vec<&str> = Vec::with_capacity(refs.len());
    for &reference in refs {
        match MaterialRef::parse(reference) {
            None => return Err(messages::bad_material_ref(slot)),
            Some(MaterialRef::Licence { licence_type, .. })
                if slot.licence_type.as_deref() != Some(licence_type) =>
            {
                return Err(messages::slot_wrong_licence(slot));
            }
            Some(_) => {}
        }
        if !distinct.contains(&reference) {
            distinct.push(reference);
        }
    }
    if distinct.is_empty() && slot.required {
        return Err(messages::slot_required(slot));
    }
    if distinct.len() > slot.max_count as usize {
        return Err(messages::slot_too_many(slot));
    }
    Ok(())
}

fn slot_path(key: &str) -> String {
    format!("materials.{key}")
}
