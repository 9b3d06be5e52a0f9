//! What validation reports: one error per field (or slot) that fails.

use serde::{Deserialize, Serialize};

/// One problem with a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FieldError {
    /// Where: `name`, `members[1].id_number` (items count from 0), `members`
    /// (the group itself) or `materials.business_licence` (a slot).
    pub path: String,
    /// What, for programs: stable, snake_case in JSON.
    pub code: ErrorCode,
    /// What, for the user: Chinese, e.g. 身份证号码校验位不正确.
    pub message: String,
}

/// Why a value was refused. The snake_case names ([`ErrorCode::as_str`],
/// and the JSON form) are part of the API: clients branch on them and the
/// platform sends them in its 422 answers, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ErrorCode {
    /// Empty (missing, null, blank text, empty array) but required.
    Required,
    /// The JSON type is wrong: text given a number, a group not an array,
    /// a group item not an object.
    WrongType,
    TooShort,
    TooLong,
    BelowMin,
    AboveMax,
    /// Doesn't match the field's pattern.
    Pattern,
    NotANumber,
    NotAnInteger,
    /// Not a real `YYYY-MM-DD` date.
    BadDate,
    NotAnOption,
    /// A multiple choice names the same option twice.
    DuplicateOption,
    /// Not a six-digit GB/T 2260 code with a real province prefix.
    BadRegion,
    /// Not 17 digits and a digit or X.
    IdFormat,
    /// The ID number's birth date is not a day of the calendar.
    IdBirthDate,
    IdChecksum,
    CreditCodeFormat,
    CreditCodeChecksum,
    MobileFormat,
    TooFewItems,
    TooManyItems,
    /// A key the form doesn't have (values of hidden fields are not this:
    /// they are ignored).
    UnknownField,
    SlotRequired,
    SlotTooMany,
    /// A licence of another type than the slot takes, or in a slot that
    /// takes no licence.
    SlotWrongLicence,
    /// A blank material reference or a malformed `licence:` one.
    BadMaterialRef,
    /// A fill for a slot the form doesn't have.
    UnknownSlot,
    /// The schema itself is broken here (e.g. a pattern that doesn't
    /// compile). Reported rather than skipped, so a broken form refuses
    /// submissions instead of letting anything through.
    BadSchema,
}

impl ErrorCode {
    /// The stable snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::TooShort => "too_short",
            ErrorCode::TooLong => "too_long",
            ErrorCode::BelowMin => "below_min",
            ErrorCode::AboveMax => "above_max",
            ErrorCode::Pattern => "pattern",
            ErrorCode::NotANumber => "not_a_number",
            ErrorCode::NotAnInteger => "not_an_integer",
            ErrorCode::BadDate => "bad_date",
            ErrorCode::NotAnOption => "not_an_option",
            ErrorCode::DuplicateOption => "duplicate_option",
            ErrorCode::BadRegion => "bad_region",
            ErrorCode::IdFormat => "id_format",
            ErrorCode::IdBirthDate => "id_birth_date",
            ErrorCode::IdChecksum => "id_checksum",
            ErrorCode::CreditCodeFormat => "credit_code_format",
            ErrorCode::CreditCodeChecksum => "credit_code_checksum",
            ErrorCode::MobileFormat => "mobile_format",
            ErrorCode::TooFewItems => "too_few_items",
            ErrorCode::TooManyItems => "too_many_items",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::SlotRequired => "slot_required",
            ErrorCode::SlotTooMany => "slot_too_many",
            ErrorCode::SlotWrongLicence => "slot_wrong_licence",
            ErrorCode::BadMaterialRef => "bad_material_ref",
            ErrorCode::UnknownSlot => "unknown_slot",
            ErrorCode::BadSchema => "bad_schema",
        }
    }

    /// Every code, for tests and documentation.
    pub const ALL: [ErrorCode; 28] = [
        ErrorCode::Required,
        ErrorCode::WrongType,
        ErrorCode::TooShort,
        ErrorCode::TooLong,
        ErrorCode::BelowMin,
        ErrorCode::AboveMax,
        ErrorCode::Pattern,
        ErrorCode::NotANumber,
        ErrorCode::NotAnInteger,
        ErrorCode::BadDate,
        ErrorCode::NotAnOption,
        ErrorCode::DuplicateOption,
        ErrorCode::BadRegion,
        ErrorCode::IdFormat,
        ErrorCode::IdBirthDate,
        ErrorCode::IdChecksum,
        ErrorCode::CreditCodeFormat,
        ErrorCode::CreditCodeChecksum,
        ErrorCode::MobileFormat,
        ErrorCode::TooFewItems,
        ErrorCode::TooManyItems,
        ErrorCode::UnknownField,
        ErrorCode::SlotRequired,
        ErrorCode::SlotTooMany,
        ErrorCode::SlotWrongLicence,
        ErrorCode::BadMaterialRef,
        ErrorCode::UnknownSlot,
        ErrorCode::BadSchema,
    ];
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_json_form() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "{code:?}");
            let back: ErrorCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
        }
        let names: std::collections::HashSet<_> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
