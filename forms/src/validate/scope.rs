//! Where a field's conditions look for the answers they depend on: its
//! siblings (the same group item, or the top level), then the top level.

use crate::schema::{Condition, FieldSpec};

use super::Values;
use super::value::{is_empty, matches};

/// Longer `visible_when` chains than this are taken for a cycle (which
/// `check_schema` reports) and the field for hidden, so evaluation ends.
const MAX_CHAIN: usize = 32;

/// One level of a draft: the fields there and their answers.
pub(crate) struct Scope<'a> {
    pub fields: &'a [FieldSpec],
    pub values: &'a Values,
    /// The top level, when this is a group item.
    top: Option<&'a Scope<'a>>,
}

impl<'a> Scope<'a> {
    pub fn top(fields: &'a [FieldSpec], values: &'a Values) -> Self {
        Scope {
            fields,
            values,
            top: None,
        }
    }

    /// One item of a group, whose conditions may also name top-level keys.
    pub fn item(fields: &'a [FieldSpec], values: &'a Values, top: &'a Scope<'a>) -> Self {
        Scope {
            fields,
            values,
            top: Some(top),
        }
    }

    /// The top level (itself, at the top).
    pub fn top_level(&self) -> &Scope<'a> {
        self.top.unwrap_or(self)
    }

    pub fn is_visible(&self, spec: &FieldSpec) -> bool {
        self.visible_at(spec, 0)
    }

    pub fn is_required(&self, spec: &FieldSpec) -> bool {
        spec.required
            || spec
                .required_when
                .as_ref()
                .is_some_and(|condition| self.holds(condition, 0))
    }

    fn visible_at(&self, spec: &FieldSpec, depth: usize) -> bool {
        match &spec.visible_when {
            None => true,
            Some(condition) => self.holds(condition, depth),
        }
    }

    fn holds(&self, condition: &Condition, depth: usize) -> bool {
        if depth > MAX_CHAIN {
            return false;
        }
        let Some((scope, spec)) = self.lookup(&condition.field) else {
            return false;
        };
        // A hidden field's value doesn't count: it is ignored everywhere.
        if !scope.visible_at(spec, depth + 1) {
            return false;
        }
        let value = scope.values.get(&spec.key);
        if is_empty(value) {
            return false;
        }
        match (&condition.equals, value) {
            (None, _) => true,
            (Some(expected), Some(value)) => matches(value, expected),
            (Some(_), None) => false,
        }
    }

    fn lookup(&self, key: &str) -> Option<(&Scope<'a>, &'a FieldSpec)> {
        match self.fields.iter().find(|spec| spec.key == key) {
            Some(spec) => Some((self, spec)),
            None => self.top.and_then(|top| top.lookup(key)),
        }
    }
}
