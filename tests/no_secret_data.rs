//! No Kubernetes Secret carrying data is ever generated: secrets reach the clusters
//! only through External Secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Whether `value` holds, anywhere, an object of kind Secret with `data` or `stringData`.
fn holds_secret_data(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let secret = map.get("kind") == Some(&Value::from("Secret"))
                && (map.contains_key("data") || map.contains_key("stringData"));
            secret || map.values().any(holds_secret_data)
        }
        Value::Array(items) => items.iter().any(holds_secret_data),
        _ => false,
    }
}

#[test]
fn no_generated_file_contains_a_secret_with_data() {
    let mut files = Vec::new();
    yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated"), &mut files);
    assert!(files.len() > 100);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap_or_default();
            docs.iter().any(holds_secret_data)
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "Secrets with data: {offenders:?}");
}

#[test]
fn the_check_itself_finds_a_secret_nested_in_helm_values() {
    let nested = serde_json::json!({"spec": {"values": [{"kind": "Secret", "stringData": {"a": "b"}}]}});
    assert!(holds_secret_data(&nested));
    assert!(!holds_secret_data(&serde_json::json!({"kind": "Secret", "type": "Opaque"})));
}
