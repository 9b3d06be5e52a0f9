//! Small helpers over `ciborium::Value` for the integer-keyed maps of our
//! payloads: encoding, decoding with a size-bounded reader, and typed field
//! access whose errors name the field.

use ciborium::Value;

use crate::error::{Result, TrustError};

pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail for a Value tree.
    ciborium::into_writer(value, &mut out).expect("CBOR into a Vec");
    out
}

/// Decodes exactly one CBOR item: trailing bytes are an error, so nothing
/// unsigned can ride along behind a payload.
pub(crate) fn from_slice(bytes: &[u8]) -> Result<Value> {
    let mut rest = bytes;
    // ciborium bounds recursion itself; the input is already size-bounded.
    let value = ciborium::from_reader(&mut rest).map_err(|e| TrustError::Cbor(e.to_string()))?;
    if !rest.is_empty() {
        return Err(TrustError::Cbor(format!(
            "{} bytes after the item",
            rest.len()
        )));
    }
    Ok(value)
}

/// An integer-keyed map built in key order (deterministic encoding).
pub(crate) struct MapBuilder(Vec<(Value, Value)>);

impl MapBuilder {
    pub(crate) fn new() -> Self {
        MapBuilder(Vec::new())
    }

    pub(crate) fn put(mut self, key: i64, value: impl Into<Value>) -> Self {
        self.0.push((Value::Integer(key.into()), value.into()));
        self
    }

    pub(crate) fn put_opt(self, key: i64, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    pub(crate) fn build(self) -> Value {
        Value::Map(self.0)
    }
}

/// Reads fields of an integer-keyed map; errors say which payload and key.
pub(crate) struct MapReader {
    what: &'static str,
    entries: Vec<(Value, Value)>,
}

impl MapReader {
    pub(crate) fn new(what: &'static str, value: Value) -> Result<Self> {
        match value {
            Value::Map(entries) => Ok(MapReader { what, entries }),
            _ => Err(TrustError::format(what, "not a CBOR map")),
        }
    }

    fn get(&self, key: i64) -> Option<&Value> {
        self.entries.iter().find_map(|(k, v)| match k {
            Value::Integer(i) if i128::from(*i) == i128::from(key) => Some(v),
            _ => None,
        })
    }

    fn missing(&self, key: i64) -> TrustError {
        TrustError::format(
            self.what,
            format!("field {key} missing or of the wrong type"),
        )
    }

    pub(crate) fn value(&self, key: i64) -> Result<&Value> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    pub(crate) fn text(&self, key: i64) -> Result<String> {
        match self.get(key) {
            Some(Value::Text(t)) => Ok(t.clone()),
            _ => Err(self.missing(key)),
        }
    }

    pub(crate) fn opt_text(&self, key: i64) -> Result<Option<String>> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t.clone())),
            _ => Err(self.missing(key)),
        }
    }

    pub(crate) fn uint(&self, key: i64) -> Result<u64> {
        match self.get(key) {
            Some(Value::Integer(i)) => u64::try_from(*i).map_err(|_| self.missing(key)),
            _ => Err(self.missing(key)),
        }
    }

    pub(crate) fn int(&self, key: i64) -> Result<i64> {
        match self.get(key) {
            Some(Value::Integer(i)) => i64::try_from(*i).map_err(|_| self.missing(key)),
            _ => Err(self.missing(key)),
        }
    }

    pub(crate) fn bytes(&self, key: i64) -> Result<Vec<u8>> {
        match self.get(key) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(self.missing(key)),
        }
    }

    pub(crate) fn array(&self, key: i64) -> Result<&Vec<Value>> {
        match self.get(key) {
            Some(Value::Array(a)) => Ok(a),
            _ => Err(self.missing(key)),
        }
    }
}

pub(crate) fn fixed_bytes<const N: usize>(what: &'static str, value: &Value) -> Result<[u8; N]> {
    match value {
        Value::Bytes(b) => b
            .as_slice()
            .try_into()
            .map_err(|_| TrustError::format(what, format!("{} bytes, not {N}", b.len()))),
        _ => Err(TrustError::format(what, "not a byte string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_item_is_read() {
        assert_eq!(
            from_slice(&[0x82, 0x01, 0x02]).unwrap(),
            Value::Array(vec![1.into(), 2.into()])
        );
        assert!(from_slice(&[0x82, 0x01, 0x02, 0x00]).is_err());
        assert!(from_slice(&[0x82, 0x01]).is_err());
        assert!(from_slice(&[]).is_err());
    }
}
