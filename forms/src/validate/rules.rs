//! A field's `rules`. A rule that doesn't fit the kind it is on (a date
//! bound on a number, a pattern that doesn't compile) fails as `bad_schema`
//! rather than being skipped: skipping would let the platform accept what
//! the form's author meant to refuse.

use crate::calendar::parse_date;
use crate::messages::{self, Refusal};
use crate::schema::{FieldSpec, Limit};

pub(crate) fn check_length(spec: &FieldSpec, text: &str) -> Result<(), Refusal> {
    let rules = &spec.rules;
    let length = text.chars().count();
    if let Some(min) = rules.min_length.filter(|min| length < *min as usize) {
        return Err(messages::too_short(&spec.label, min));
    }
    if let Some(max) = rules.max_length.filter(|max| length > *max as usize) {
        return Err(messages::too_long(&spec.label, max));
    }
    Ok(())
}

pub(crate) fn check_pattern(spec: &FieldSpec, text: &str) -> Result<(), Refusal> {
    let Some(pattern) = &spec.rules.pattern else {
        return Ok(());
    };
    let regex = crate::pattern::compile(pattern).map_err(|_| messages::bad_schema(&spec.label))?;
    if regex.is_match(text) {
        Ok(())
    } else {
        Err(messages::pattern(&spec.label))
    }
}

pub(crate) fn check_number_limits(spec: &FieldSpec, number: f64) -> Result<(), Refusal> {
    let bound = |limit: &Limit| match limit {
        Limit::Number(bound) => Ok(*bound),
        Limit::Date(_) => Err(messages::bad_schema(&spec.label)),
    };
    if let Some(min) = &spec.rules.min {
        if number < bound(min)? {
            return Err(messages::below_min(&spec.label, min));
        }
    }
    if let Some(max) = &spec.rules.max {
        if number > bound(max)? {
            return Err(messages::above_max(&spec.label, max));
        }
    }
    Ok(())
}

pub(crate) fn check_date_limits(spec: &FieldSpec, date: (u32, u32, u32)) -> Result<(), Refusal> {
    let bound = |limit: &Limit| match limit {
        Limit::Date(text) => parse_date(text).ok_or_else(|| messages::bad_schema(&spec.label)),
        Limit::Number(_) => Err(messages::bad_schema(&spec.label)),
    };
    if let Some(min) = &spec.rules.min {
        if date < bound(min)? {
            return Err(messages::below_min(&spec.label, min));
        }
    }
    if let Some(max) = &spec.rules.max {
        if date > bound(max)? {
            return Err(messages::above_max(&spec.label, max));
        }
    }
    Ok(())
}
