//! Every object in generated/ deserializes into its typed struct and serializes back
//! to the identical value: a misspelled or misplaced field would be dropped by the
//! type and show up here as a difference.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/typed_objects.rs"]
mod typed_objects;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn every_generated_object_round_trips_through_its_type() {
    let mut files = Vec::new();
    yaml_files(&generated().join("k8s"), &mut files);
    yaml_files(&generated().join("argocd"), &mut files);
    assert!(files.len() > 100, "generated/k8s holds the fleet");
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(reason) = typed_objects::check(&path, &value) {
            failures.push(format!("{}: {reason}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
