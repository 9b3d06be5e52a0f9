//! Every message a user reads, in one place, so the wording is reviewed
//! (and one day translated) together. Messages name the field by its label
//! because they also appear in a summary list away from the field; the ID
//! and code messages don't, as the field's label already says what it is.

use crate::ErrorCode;
use crate::schema::{FieldKind, FieldSpec, Limit, MaterialSlot};

/// A refused value: the code and the user's message, before it gets a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

fn refuse(code: ErrorCode, message: String) -> Refusal {
    Refusal { code, message }
}

pub(crate) fn required(spec: &FieldSpec) -> Refusal {
    let label = &spec.label;
    let message = match spec.kind {
        FieldKind::Group { .. } => format!("请添加{label}"),
        FieldKind::SingleChoice { .. }
        | FieldKind::MultipleChoice { .. }
        | FieldKind::Region
        | FieldKind::Date => format!("请选择{label}"),
        _ => format!("请填写{label}"),
    };
    refuse(ErrorCode::Required, message)
}

pub(crate) fn wrong_type(label: &str) -> Refusal {
    refuse(ErrorCode::WrongType, format!("{label}的格式不正确"))
}

pub(crate) fn too_short(label: &str, min: u32) -> Refusal {
    refuse(ErrorCode::TooShort, format!("{label}不能少于{min}个字"))
}

pub(crate) fn too_long(label: &str, max: u32) -> Refusal {
    refuse(ErrorCode::TooLong, format!("{label}不能超过{max}个字"))
}

pub(crate) fn below_min(label: &str, min: &Limit) -> Refusal {
    let message = match min {
        Limit::Number(n) => format!("{label}不能小于{n}"),
        Limit::Date(d) => format!("{label}不能早于{d}"),
    };
    refuse(ErrorCode::BelowMin, message)
}

pub(crate) fn above_max(label: &str, max: &Limit) -> Refusal {
    let message = match max {
        Limit::Number(n) => format!("{label}不能大于{n}"),
        Limit::Date(d) => format!("{label}不能晚于{d}"),
    };
    refuse(ErrorCode::AboveMax, message)
}

pub(crate) fn pattern(label: &str) -> Refusal {
    refuse(ErrorCode::Pattern, format!("{label}的格式不正确"))
}

pub(crate) fn not_a_number(label: &str) -> Refusal {
    refuse(ErrorCode::NotANumber, format!("{label}必须是数字"))
}

pub(crate) fn not_an_integer(label: &str) -> Refusal {
    refuse(ErrorCode::NotAnInteger, format!("{label}必须是整数"))
}

pub(crate) fn bad_date(label: &str) -> Refusal {
    refuse(
        ErrorCode::BadDate,
        format!("{label}不是有效的日期（格式为年-月-日，如 2024-01-31）"),
    )
}

pub(crate) fn not_an_option(label: &str) -> Refusal {
    refuse(
        ErrorCode::NotAnOption,
        format!("{label}的选项无效，请从列表中选择"),
    )
}

pub(crate) fn duplicate_option(label: &str) -> Refusal {
    refuse(ErrorCode::DuplicateOption, format!("{label}中有重复的选项"))
}

pub(crate) fn bad_region(label: &str) -> Refusal {
    refuse(
        ErrorCode::BadRegion,
        format!("{label}不是有效的行政区划代码"),
    )
}

pub(crate) fn id_format() -> Refusal {
    refuse(
        ErrorCode::IdFormat,
        "身份证号码应为18位：前17位是数字，最后一位是数字或X".into(),
    )
}

pub(crate) fn id_birth_date() -> Refusal {
    refuse(ErrorCode::IdBirthDate, "身份证号码中的出生日期无效".into())
}

pub(crate) fn id_checksum() -> Refusal {
    refuse(ErrorCode::IdChecksum, "身份证号码校验位不正确".into())
}

pub(crate) fn credit_code_format() -> Refusal {
    refuse(
        ErrorCode::CreditCodeFormat,
        "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）".into(),
    )
}

pub(crate) fn credit_code_checksum() -> Refusal {
    refuse(
        ErrorCode::CreditCodeChecksum,
        "统一社会信用代码校验位不正确".into(),
    )
}

pub(crate) fn mobile_format() -> Refusal {
    refuse(
        ErrorCode::MobileFormat,
        "手机号码应为11位数字，以1开头".into(),
    )
}

pub(crate) fn too_few_items(label: &str, min: u32) -> Refusal {
    refuse(ErrorCode::TooFewItems, format!("{label}至少需要{min}项"))
}

pub(crate) fn too_many_items(label: &str, max: u32) -> Refusal {
    refuse(
        ErrorCode::TooManyItems,
        format!("{label}最多只能填写{max}项"),
    )
}

pub(crate) fn unknown_field() -> Refusal {
    refuse(ErrorCode::UnknownField, "表单中没有这一项".into())
}

pub(crate) fn bad_schema(label: &str) -> Refusal {
    refuse(
        ErrorCode::BadSchema,
        format!("表单配置有误，暂时无法校验{label}，请稍后再试或联系平台"),
    )
}

pub(crate) fn slot_required(slot: &MaterialSlot) -> Refusal {
    let name = &slot.name;
    let message = if slot.licence_type.is_some() {
        format!("请上传{name}，或使用电子证照")
    } else {
        format!("请上传{name}")
    };
    refuse(ErrorCode::SlotRequired, message)
}

pub(crate) fn slot_too_many(slot: &MaterialSlot) -> Refusal {
    let (name, max) = (&slot.name, slot.max_count);
    refuse(ErrorCode::SlotTooMany, format!("{name}最多只能提供{max}份"))
}

pub(crate) fn slot_wrong_licence(slot: &MaterialSlot) -> Refusal {
    let name = &slot.name;
    let message = match &slot.licence_type {
        Some(licence) => format!("{name}只能使用{licence}电子证照"),
        None => format!("{name}不能使用电子证照，请上传文件"),
    };
    refuse(ErrorCode::SlotWrongLicence, message)
}

pub(crate) fn bad_material_ref(slot: &MaterialSlot) -> Refusal {
    refuse(
        ErrorCode::BadMaterialRef,
        format!("{}中有无效的材料，请重新上传", slot.name),
    )
}

pub(crate) fn unknown_slot() -> Refusal {
    refuse(ErrorCode::UnknownSlot, "本事项不需要这项材料".into())
}
