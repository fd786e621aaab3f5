//! Computes the JSON Patch that turns a base object into an environment's object,
//! so overlays hold exactly the differences and Kustomize rebuilds each environment.

use super::kustomize::Operation;
use serde_json::Value;
use std::fmt::Write as _;

/// The operations that turn `base` into `target`, in document order. Lists of equal
/// length are patched element by element; lists whose length differs are replaced.
pub fn diff(base: &Value, target: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    walk(base, target, &mut String::new(), &mut operations);
    operations
}

/// Compares two subtrees at `path`. The path is one buffer extended and truncated on
/// the way down, so equal subtrees (nearly all of an object) allocate nothing.
fn walk(base: &Value, target: &Value, path: &mut String, out: &mut Vec<Operation>) {
    let depth = path.len();
    match (base, target) {
        (Value::Object(from), Value::Object(to)) => {
            // Views of one object almost always list the same keys in the same order:
            // the common prefix is walked in step, without a lookup per key.
            let mut in_step = 0;
            for ((key, value), (other_key, other)) in from.iter().zip(to) {
                if key != other_key {
                    break;
                }
                push_key(path, key);
                walk(value, other, path, out);
                path.truncate(depth);
                in_step += 1;
            }
            if in_step == from.len() && in_step == to.len() {
                return;
            }
            for (key, value) in from.iter().skip(in_step) {
                push_key(path, key);
                match to.get(key) {
                    Some(other) => walk(value, other, path, out),
                    None => out.push(Operation { op: "remove".to_owned(), path: path.clone(), value: None }),
                }
                path.truncate(depth);
            }
            for (key, value) in to.iter().filter(|(key, _)| !from.contains_key(*key)) {
                push_key(path, key);
                out.push(Operation { op: "add".to_owned(), path: path.clone(), value: Some(value.clone()) });
                path.truncate(depth);
            }
        }
        (Value::Array(from), Value::Array(to)) if from.len() == to.len() => {
            for (index, (a, b)) in from.iter().zip(to).enumerate() {
                let _ = write!(path, "/{index}");
                walk(a, b, path, out);
                path.truncate(depth);
            }
        }
        _ if base == target => {}
        _ => out.push(Operation { op: "replace".to_owned(), path: path.clone(), value: Some(target.clone()) }),
    }
}

/// Appends `/key` with JSON Pointer escaping (`~` → `~0`, `/` → `~1`).
fn push_key(path: &mut String, key: &str) {
    path.push('/');
    if !key.contains(['~', '/']) {
        path.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// Applies operations produced by [`diff`]; used by tests to prove the round trip.
pub fn apply(base: &Value, operations: &[Operation]) -> Option<Value> {
    let mut doc = base.clone();
    for operation in operations {
        let (parent, key) = operation.path.rsplit_once('/')?;
        let key = key.replace("~1", "/").replace("~0", "~");
        if parent.is_empty() && key.is_empty() {
            doc = operation.value.clone()?;
            continue;
        }
        let container = doc.pointer_mut(parent)?;
        match (operation.op.as_str(), container) {
            ("remove", Value::Object(map)) => {
                map.shift_remove(&key)?;
            }
            ("add" | "replace", Value::Object(map)) => {
                map.insert(key, operation.value.clone()?);
            }
            ("replace", Value::Array(items)) => {
                *items.get_mut(key.parse::<usize>().ok()?)? = operation.value.clone()?
            }
            _ => return None,
        }
    }
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn changed_fields_become_replace_add_and_remove() {
        let base = json!({"spec": {"replicas": 3, "a/b": 1, "gone": true, "list": [1, 2]}});
        let target = json!({"spec": {"replicas": 1, "a/b": 2, "list": [1, 5], "new": "x"}});
        let ops = diff(&base, &target);
        let paths: Vec<(&str, &str)> = ops.iter().map(|o| (o.op.as_str(), o.path.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("replace", "/spec/replicas"),
                ("replace", "/spec/a~1b"),
                ("remove", "/spec/gone"),
                ("replace", "/spec/list/1"),
                ("add", "/spec/new")
            ]
        );
        assert_eq!(apply(&base, &ops), Some(target));
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,3}".prop_map(Value::from),
            any::<bool>().prop_map(Value::from)
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-c/~]{1,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn applying_the_diff_rebuilds_the_target(base in json_value(), target in json_value()) {
            let base = json!({"root": base});
            let target = json!({"root": target});
            prop_assert_eq!(apply(&base, &diff(&base, &target)), Some(target));
        }
    }
}
