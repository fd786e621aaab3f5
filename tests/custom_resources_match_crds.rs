//! Every custom resource in generated/ validates against its upstream CRD schema,
//! made strict so that a misspelled field is an error rather than silently kept.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// `group/version/kind` → strict JSON Schema, for every served version of every CRD.
fn crd_schemas() -> BTreeMap<String, Value> {
    let mut paths = Vec::new();
    files(&repo().join("tests/crds"), "yaml", &mut paths);
    let mut schemas = BTreeMap::new();
    for path in paths {
        let docs: Vec<Value> = serde_saphyr::from_multiple(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for crd in docs.iter().filter(|d| d["kind"] == "CustomResourceDefinition") {
            let group = crd["spec"]["group"].as_str().unwrap();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap();
            for version in crd["spec"]["versions"].as_array().unwrap().iter().filter(|v| v["served"] == true) {
                let schema = with_root_fields(strict(&version["schema"]["openAPIV3Schema"]));
                schemas.insert(format!("{group}/{}/{kind}", version["name"].as_str().unwrap()), schema);
            }
        }
    }
    schemas
}

/// The CRD's OpenAPI schema as a closed JSON Schema.
fn strict(schema: &Value) -> Value {
    let Value::Object(map) = schema else { return schema.clone() };
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" | "patternProperties" => {
                Value::Object(value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), strict(v))).collect())
            }
            "items" | "additionalProperties" | "not" => strict(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(value.as_array().unwrap().iter().map(strict).collect()),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let open = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !open {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if map.get("nullable") == Some(&Value::Bool(true))
        && let Some(kind) = out.get("type").cloned()
    {
        out.insert("type".into(), json!([kind, "null"]));
    }
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        out.remove("type");
        out.insert("anyOf".into(), json!([{"type": "integer"}, {"type": "string"}]));
    }
    if let Some(Value::Object(properties)) = out.get_mut("properties")
        && properties.contains_key("metadata")
        && properties.contains_key("apiVersion")
    {
        properties.insert("metadata".into(), object_meta());
    }
    Value::Object(out)
}

/// Every object may carry `apiVersion`, `kind` and `metadata`, whether or not its CRD
/// lists them (Istio's do not).
fn with_root_fields(mut schema: Value) -> Value {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert("apiVersion".into(), json!({"type": "string"}));
        properties.insert("kind".into(), json!({"type": "string"}));
        properties.insert("metadata".into(), object_meta());
    }
    schema
}

/// The parts of ObjectMeta a manifest may set.
fn object_meta() -> Value {
    let strings = json!({"type": "object", "additionalProperties": {"type": "string"}});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
            "name": {"type": "string"}, "namespace": {"type": "string"}, "generateName": {"type": "string"},
            "labels": strings, "annotations": strings,
            "finalizers": {"type": "array", "items": {"type": "string"}}
        }
    })
}

#[test]
fn every_custom_resource_validates_against_its_crd() {
    let schemas = crd_schemas();
    assert!(!schemas.is_empty(), "tests/crds holds CRDs");
    let mut paths = Vec::new();
    files(&repo().join("generated"), "yaml", &mut paths);
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in paths {
        let value: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (Some(api_version), Some(kind)) = (value["apiVersion"].as_str(), value["kind"].as_str()) else { continue };
        if !api_version.contains('.') || api_version.starts_with("kustomize.config.k8s.io") {
            continue; // core and built-in groups are covered by the typed round-trip test
        }
        let schema = schemas.get(&format!("{api_version}/{kind}"));
        if schema.is_none() && api_version.split('/').next().is_some_and(|group| group.ends_with(".k8s.io")) {
            continue; // a built-in group such as networking.k8s.io: no CRD, typed round trip covers it
        }
        let Some(schema) = schema else {
            failures.push(format!("{}: no CRD for {api_version} {kind} under tests/crds", path.display()));
            continue;
        };
        let validator = jsonschema::validator_for(schema).unwrap();
        for error in validator.iter_errors(&value) {
            failures.push(format!("{}: {} at {}", path.display(), error, error.instance_path()));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "generated/ holds custom resources");
}
