//! One answer of a kind other than a group: its JSON type, its format
//! (dates, options, identifiers) and then the field's rules.

use serde_json::Value;

use crate::calendar::parse_date;
use crate::ids::{IdNumberError, UsccError, check_id_number, check_uscc, is_mobile_number};
use crate::messages::{self, Refusal};
use crate::schema::{FieldKind, FieldSpec};

use super::{region, rules};

/// Checks a non-empty value; groups are not leaves and always pass here.
pub(crate) fn check(spec: &FieldSpec, value: &Value) -> Result<(), Refusal> {
    let label = spec.label.as_str();
    match &spec.kind {
        FieldKind::Text | FieldKind::Address => {
            let text = value.as_str().ok_or_else(|| messages::wrong_type(label))?;
            rules::check_length(spec, text)?;
            rules::check_pattern(spec, text)
        }
        FieldKind::Number { integer } => {
            let number = value
                .as_f64()
                .ok_or_else(|| messages::not_a_number(label))?;
            if *integer && !is_integer(value) {
                return Err(messages::not_an_integer(label));
            }
            rules::check_number_limits(spec, number)
        }
        FieldKind::Date => {
            let date = value
                .as_str()
                .and_then(parse_date)
                .ok_or_else(|| messages::bad_date(label))?;
            rules::check_date_limits(spec, date)
        }
        FieldKind::SingleChoice { options } => {
            let chosen = value
                .as_str()
                .ok_or_else(|| messages::not_an_option(label))?;
            if options.iter().any(|option| option.value == chosen) {
                Ok(())
            } else {
                Err(messages::not_an_option(label))
            }
        }
        FieldKind::MultipleChoice { options } => {
            let chosen = value
                .as_array()
                .ok_or_else(|| messages::wrong_type(label))?;
            let mut seen: Vec<&str> = Vec::with_capacity(chosen.len());
            for item in chosen {
                let item = item
                    .as_str()
                    .filter(|item| options.iter().any(|option| option.value == *item))
                    .ok_or_else(|| messages::not_an_option(label))?;
                if seen.contains(&item) {
                    return Err(messages::duplicate_option(label));
                }
                seen.push(item);
            }
            Ok(())
        }
        FieldKind::Region => match value.as_str() {
            Some(code) if region::is_region_code(code) => Ok(()),
            _ => Err(messages::bad_region(label)),
        },
        FieldKind::IdNumber => {
            let text = value.as_str().ok_or_else(messages::id_format)?;
            check_id_number(text)
                .map(drop)
                .map_err(|error| match error {
                    IdNumberError::Format => messages::id_format(),
                    IdNumberError::BirthDate => messages::id_birth_date(),
                    IdNumberError::CheckDigit => messages::id_checksum(),
                })
        }
        FieldKind::CreditCode => {
            let text = value.as_str().ok_or_else(messages::credit_code_format)?;
            check_uscc(text).map(drop).map_err(|error| match error {
                UsccError::Format => messages::credit_code_format(),
                UsccError::CheckCharacter => messages::credit_code_checksum(),
            })
        }
        FieldKind::Mobile => match value.as_str() {
            Some(phone) if is_mobile_number(phone) => Ok(()),
            _ => Err(messages::mobile_format()),
        },
        FieldKind::Group { .. } => Ok(()),
    }
}

/// Whether a JSON number has no fractional part: `3` and `3.0` do.
fn is_integer(value: &Value) -> bool {
    value.is_i64()
        || value.is_u64()
        || value
            .as_f64()
            .is_some_and(|number| number.is_finite() && number.fract() == 0.0)
}
