//! Which application-form schema a guide's drafts use.
//!
//! The form belongs to the item, not to the place it is handled: every guide
//! of an item, whatever its region or hall, fills in the same form. The id is
//! the item code (its department kind's slug and its number, `GA001`) plus a
//! schema version: `GA001.v1`.
//!
//! The item code is the guide code's prefix (`GA001-530102` → `GA001`)
//! except where the generator had to hand the item to another department
//! because the region has none of its kind: in the province itself a
//! housing-fund item goes to the government-services bureau, so its code
//! starts `ZW131` while its form is still `GJJ131.v1`. Deriving the id from
//! the item rather than from the code keeps one form per item.

use super::items::ITEMS;

/// The schema version every generated guide points at. Bump it (and keep
/// the old schemas) when a form changes incompatibly, so drafts saved
/// against the old one can still be read.
pub(crate) const FORM_SCHEMA_VERSION: u32 = 1;

/// The form schema of `ITEMS[item_index]`, e.g. `GA001.v1`.
pub(crate) fn for_item(item_index: usize) -> String {
    let slug = ITEMS
        .get(item_index)
        .map_or("X", |item| item.kind.slug())
        .to_ascii_uppercase();
    format!("{slug}{:03}.v{FORM_SCHEMA_VERSION}", item_index + 1)
}

/// The form schema of a stored guide, from its code alone (for guides
/// stored before the field existed): the item number in the code names the
/// item. A code whose number names no item keeps its own prefix.
pub(crate) fn for_guide_code(code: &str) -> String {
    let prefix = code.split('-').next().unwrap_or(code);
    let digits = prefix.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    match digits.parse::<usize>() {
        Ok(number) if (1..=ITEMS.len()).contains(&number) => for_item(number - 1),
        _ => format!("{prefix}.v{FORM_SCHEMA_VERSION}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_item_code_and_the_version() {
        assert_eq!(for_item(0), "GA001.v1");
        assert_eq!(for_guide_code("GA001-530102"), "GA001.v1");
        assert_eq!(for_guide_code("GA001-530102-2"), "GA001.v1");
    }

    #[test]
    fn a_guide_handled_by_a_fallback_department_keeps_its_items_form() {
        let index = ITEMS
            .iter()
            .position(|item| item.name == "住房公积金缴存登记")
            .unwrap();
        let number = index + 1;
        assert_eq!(for_item(index), format!("GJJ{number:03}.v1"));
        assert_eq!(
            for_guide_code(&format!("ZW{number:03}-530000")),
            format!("GJJ{number:03}.v1")
        );
    }

    #[test]
    fn a_code_naming_no_item_keeps_its_prefix() {
        assert_eq!(for_guide_code("XY999-530000"), "XY999.v1");
        assert_eq!(for_guide_code("odd"), "odd.v1");
    }
}
