//! What only the platform can check in a submission's material slots: an
//! upload reference names a material of the applicant (its id, or the id of
//! the upload that made it), and `licence:<type>:<id>` a licence issued to
//! them. The form's own validation has already checked the shape.

use banshitong_forms::{ErrorCode, FieldError, FormSchema, MaterialRef, SlotFill};
use rusqlite::Connection;

use crate::licences;
use crate::materials;

/// One `bad_material_ref` error per slot holding a reference the user
/// doesn't hold.
pub(crate) fn check(
    conn: &Connection,
    user_id: &str,
    schema: &FormSchema,
    fills: &[SlotFill],
    now_ms: i64,
) -> rusqlite::Result<Vec<FieldError>> {
    let slots: Vec<(&str, &str)> = schema
        .material_slots
        .iter()
        .map(|slot| (slot.key.as_str(), slot.name.as_str()))
        .collect();
    check_slots(conn, user_id, &slots, fills, now_ms)
}

/// The same for the slots `(key, name)` (a supplement request's materials).
pub(crate) fn check_slots(
    conn: &Connection,
    user_id: &str,
    slots: &[(&str, &str)],
    fills: &[SlotFill],
    now_ms: i64,
) -> rusqlite::Result<Vec<FieldError>> {
    let names_licence = fills
        .iter()
        .flat_map(|fill| &fill.material_refs)
        .any(|reference| {
            matches!(
                MaterialRef::parse(reference),
                Some(MaterialRef::Licence { .. })
            )
        });
    if names_licence {
        licences::issue::ensure_issued(conn, user_id, now_ms)?;
    }
    let mut errors = Vec::new();
    for &(key, name) in slots {
        let refs = fills
            .iter()
            .filter(|fill| fill.slot_key == key)
            .flat_map(|fill| &fill.material_refs);
        for reference in refs {
            let held = match MaterialRef::parse(reference) {
                Some(MaterialRef::Upload { id }) => materials::store::holds(conn, user_id, id)?,
                Some(MaterialRef::Licence { licence_type, id }) => {
                    licences::store::holds(conn, user_id, licence_type, id)?
                }
                None => false,
            };
            if !held {
                errors.push(FieldError {
                    path: format!("materials.{key}"),
                    code: ErrorCode::BadMaterialRef,
                    message: format!("{name}中有无效的材料，请重新上传"),
                });
                break;
            }
        }
    }
    Ok(errors)
}
