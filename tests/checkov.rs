//! checkov's Kubernetes checks pass on every environment's rendered objects, except the
//! checks the spec exempts with a reason (written on the objects as skip annotations).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_manifests::output::yaml_document;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn checkov_available() -> bool {
    Command::new("checkov").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn checkov_finds_no_failure_that_the_spec_does_not_exempt() {
    if !checkov_available() {
        eprintln!("skipped: checkov is not installed (.ci/run installs it; `pip install checkov` locally)");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let platform = Platform::new(
        keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo.join("keiko.yaml")).unwrap()).unwrap(),
    );
    // checkov skips hidden directories, and tempdir() names them `.tmpXXXX`.
    let dir = tempfile::Builder::new().prefix("keiko-checkov-").tempdir().unwrap();
    for env in Env::ALL {
        for (index, object) in components(&platform, env).unwrap().iter().flat_map(|c| &c.objects).enumerate() {
            let path = dir.path().join(format!("{env}-{index:04}.yaml"));
            std::fs::write(&path, yaml_document("checkov", &object.value).unwrap()).unwrap();
        }
    }
    let output = Command::new("checkov")
        .args(["--framework", "kubernetes", "--compact", "--output", "json", "--directory"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    let report = if report.is_array() { report[0].clone() } else { report };
    let failures: Vec<String> = report["results"]["failed_checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{} {} {}", f["check_id"], f["resource"], f["check_name"]))
        .collect();
    assert!(failures.is_empty(), "checkov failures not exempted in keiko.yaml:\n{}", failures.join("\n"));
    let exempted: BTreeSet<&str> = platform.security().exemptions.iter().map(|e| e.check.as_str()).collect();
    for skipped in report["results"]["skipped_checks"].as_array().into_iter().flatten() {
        let id = skipped["check_id"].as_str().unwrap();
        assert!(exempted.contains(id), "{id} was skipped without an exemption in keiko.yaml");
    }
    assert!(report["summary"]["passed"].as_u64().unwrap_or(0) > 100, "checkov ran its checks: {}", report["summary"]);
}
