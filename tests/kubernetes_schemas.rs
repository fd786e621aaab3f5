//! Every core Kubernetes object that an environment deploys validates against the
//! Kubernetes 1.35 JSON schemas in strict mode (no field the API does not define), checked
//! by kubernetes-validate, independently of the k8s-openapi types the builders use.
//!
//! The objects are each environment's rendered objects, which
//! tests/kustomize_matches_view.rs proves equal to what `kubectl kustomize` builds from the
//! overlays. kubernetes-validate has no schema for custom resources; those are checked
//! against their CRDs by tests/custom_resources_match_crds.rs, so an object without a
//! schema here must be one that a CRD under tests/crds defines. A canary object with a
//! misspelled field proves that the strict schemas are in force.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{repo, skipped_without};
use keiko_manifests::components::components;
use keiko_manifests::output::yaml_document;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The Kubernetes version the platform runs (k8s-openapi's `v1_35` in bin/Cargo.toml).
const KUBERNETES: &str = "1.35";
const TOOL: &str = "kubernetes-validate";
const CANARY: &str = "canary.yaml";

fn tool_version() -> Option<String> {
    let output = Command::new(TOOL).arg("--version").output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `apiVersion/kind` of every kind a CRD under tests/crds defines, in each served version.
fn custom_kinds() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let docs: Vec<Value> = serde_saphyr::from_multiple(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for crd in docs.iter().filter(|d| d["kind"] == "CustomResourceDefinition") {
                let group = crd["spec"]["group"].as_str().unwrap();
                let kind = crd["spec"]["names"]["kind"].as_str().unwrap();
                for version in crd["spec"]["versions"].as_array().unwrap().iter().filter(|v| v["served"] == true) {
                    out.insert(format!("{group}/{}/{kind}", version["name"].as_str().unwrap()));
                }
            }
        }
    }
    let mut kinds = BTreeSet::new();
    walk(&repo().join("tests/crds"), &mut kinds);
    kinds
}

/// A Deployment with `replica` for `replicas`: valid YAML, rejected only by a strict schema.
fn canary() -> Value {
    let labels = json!({"app": "canary"});
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "canary", "namespace": "default"},
        "spec": {
            "replica": 2,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "canary", "image": "registry.example/canary:1.0.0"}]}
            }
        }
    })
}

/// What kubernetes-validate said about one file (one object).
#[derive(Debug, Default)]
struct Verdict {
    passed: bool,
    errors: Vec<String>,
    no_schema: bool,
}

#[test]
fn every_core_object_validates_strictly_against_the_kubernetes_1_35_schemas() {
    let Some(version) = tool_version() else {
        skipped_without(TOOL);
        return;
    };
    let platform = Platform::new(
        keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo().join("keiko.yaml")).unwrap()).unwrap(),
    );
    let dir = tempfile::Builder::new().prefix("keiko-kubernetes-validate-").tempdir().unwrap();
    let mut objects: BTreeMap<String, Value> = BTreeMap::new();
    for env in Env::ALL {
        for (index, object) in components(&platform, env).unwrap().iter().flat_map(|c| &c.objects).enumerate() {
            objects.insert(format!("{env}-{index:04}.yaml"), object.value.clone());
        }
    }
    objects.insert(CANARY.to_owned(), canary());
    for (file, object) in &objects {
        std::fs::write(dir.path().join(file), yaml_document(file, object).unwrap()).unwrap();
    }

    let output = Command::new(TOOL)
        .args(["--strict", "--kubernetes-version", &format!("{KUBERNETES}.0")])
        .args(objects.keys())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut verdicts: BTreeMap<&str, Verdict> = BTreeMap::new();
    for line in stdout.lines() {
        let mut words = line.splitn(3, ' ');
        let (Some(level), Some(file), Some(rest)) = (words.next(), words.next(), words.next()) else {
            panic!("{TOOL} printed an unexpected line: {line}");
        };
        let Some((file, _)) = objects.get_key_value(file) else { panic!("{TOOL} printed an unexpected line: {line}") };
        let verdict = verdicts.entry(file.as_str()).or_default();
        match level {
            "INFO" if rest.ends_with(&format!("against version {KUBERNETES}")) => verdict.passed = true,
            "ERROR" => verdict.errors.push(rest.to_owned()),
            "WARN" if rest.starts_with("Couldn't find schema") => verdict.no_schema = true,
            _ => panic!("{TOOL} printed an unexpected line: {line}"),
        }
    }
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{TOOL} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let canary = verdicts.get(CANARY).map(|v| v.errors.join("; ")).unwrap_or_default();
    assert!(canary.contains("'replica' was unexpected"), "the strict schemas did not reject the canary: {canary}");

    let custom = custom_kinds();
    let mut failures = Vec::new();
    let mut core = 0;
    for (file, object) in objects.iter().filter(|(file, _)| *file != CANARY) {
        let id = format!("{file} {}/{}", object["kind"].as_str().unwrap_or("?"), object["metadata"]["name"]);
        let kind =
            format!("{}/{}", object["apiVersion"].as_str().unwrap_or("?"), object["kind"].as_str().unwrap_or("?"));
        match verdicts.get(file.as_str()) {
            Some(Verdict { errors, .. }) if !errors.is_empty() => failures.push(format!("{id}: {}", errors.join("; "))),
            Some(Verdict { passed: true, .. }) => core += 1,
            Some(Verdict { no_schema: true, .. }) if custom.contains(&kind) => {}
            Some(Verdict { no_schema: true, .. }) => {
                failures
                    .push(format!("{id}: {kind} has no Kubernetes {KUBERNETES} schema and no CRD under tests/crds"));
            }
            _ => failures.push(format!("{id}: {TOOL} said nothing about it")),
        }
    }
    assert!(failures.is_empty(), "{TOOL} {version} (Kubernetes {KUBERNETES}, strict):\n{}", failures.join("\n"));
    assert!(core > 100, "{core} core objects validated");
    eprintln!("{TOOL} {version}: {core} core objects valid against Kubernetes {KUBERNETES} (strict)");
}
