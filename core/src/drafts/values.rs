//! Reading and writing one answer in a draft's values by its path, the same
//! paths the validator reports: `name`, `members[1].id_number`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse(path: &str) -> Result<Vec<Step>> {
    let bad = || {
        Error::invalid_input(format!(
            "'{path}' is not a field path (e.g. members[1].name)"
        ))
    };
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad());
        }
        steps.push(Step::Key(key.to_owned()));
        let mut rest = rest;
        while !rest.is_empty() {
            let close = rest.find(']').ok_or_else(bad)?;
            let index: usize = rest[1..close].parse().map_err(|_| bad())?;
            if index > 999 {
                return Err(bad());
            }
            steps.push(Step::Index(index));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad());
            }
        }
    }
    Ok(steps)
}

/// Sets the answer at `path`, creating group items up to the index (as
/// empty objects). `null` clears it.
pub(crate) fn set(values: &mut Map<String, Value>, path: &str, value: Value) -> Result<()> {
    let steps = parse(path)?;
    let mut slot: &mut Value = {
        let Step::Key(first) = &steps[0] else {
            unreachable!("paths start with a key")
        };
        values.entry(first.clone()).or_insert(Value::Null)
    };
    for step in &steps[1..] {
        slot = match step {
            Step::Index(i) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let items = slot.as_array_mut().expect("just made an array");
                while items.len() <= *i {
                    items.push(Value::Object(Map::new()));
                }
                &mut items[*i]
            }
            Step::Key(k) => {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot.as_object_mut()
                    .expect("just made an object")
                    .entry(k.clone())
                    .or_insert(Value::Null)
            }
        };
    }
    *slot = value;
    Ok(())
}

/// Removes item `index` of the group at `path` (later items move up).
pub(crate) fn remove_item(values: &mut Map<String, Value>, path: &str, index: usize) -> Result<()> {
    let steps = parse(path)?;
    let mut slot = values.get_mut(match &steps[0] {
        Step::Key(k) => k.as_str(),
        Step::Index(_) => unreachable!("paths start with a key"),
    });
    for step in &steps[1..] {
        slot = match (step, slot) {
            (Step::Index(i), Some(Value::Array(items))) => items.get_mut(*i),
            (Step::Key(k), Some(Value::Object(map))) => map.get_mut(k),
            _ => None,
        };
    }
    match slot {
        Some(Value::Array(items)) if index < items.len() => {
            items.remove(index);
            Ok(())
        }
        _ => Err(Error::invalid_input(format!("{path} has no item {index}"))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sets_nested_paths_and_removes_items() {
        let mut v = Map::new();
        set(&mut v, "name", json!("张三")).unwrap();
        set(&mut v, "members[1].name", json!("李四")).unwrap();
        assert_eq!(
            Value::Object(v.clone()),
            json!({"name": "张三", "members": [{}, {"name": "李四"}]})
        );
        remove_item(&mut v, "members", 0).unwrap();
        assert_eq!(v["members"], json!([{"name": "李四"}]));
        for bad in ["", "a..b", "m[x]", "m[1", "m[1]x", "名字", "m[5000]"] {
            assert!(set(&mut v, bad, json!(1)).is_err(), "{bad}");
        }
    }
}
