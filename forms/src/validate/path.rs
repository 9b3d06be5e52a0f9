//! Field paths as errors write them: `key`, `group[index].key`.

use crate::schema::FieldSpec;

/// The field a path names, or `None` if it names none. The indexes only
/// have to be numbers: one item of a group has the same fields as another.
pub(crate) fn resolve<'a>(fields: &'a [FieldSpec], path: &str) -> Option<&'a FieldSpec> {
    let mut fields = fields;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, Some(rest.strip_suffix(']')?)),
            None => (part, None),
        };
        let spec = fields.iter().find(|spec| spec.key == key)?;
        if parts.peek().is_none() {
            // The path ends at a field, not at one item of a group.
            return index.is_none().then_some(spec);
        }
        let index = index?;
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        fields = spec.group_fields()?;
    }
    None
}
