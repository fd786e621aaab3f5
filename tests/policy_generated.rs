//! The generated output passes every error-level policy rule, and `generate lint`
//! handles malformed and arbitrary input without panicking.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_model::Platform;
use keiko_policy::{self as policy, yaml_input};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn platform() -> Platform {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../keiko.yaml");
    Platform::new(keiko_spec::load("keiko.yaml", &std::fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn the_generated_output_has_no_error_level_finding() {
    let (_, report) = keiko_generate::render_checked(&platform()).unwrap();
    assert!(!report.has_errors(), "error-level findings:\n{}", report.text());
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

/// `generate` checks the objects as it renders them; parsing the written files back
/// and checking those must give the same findings and exemptions: on keiko.yaml (no
/// finding), on a synthetic fleet whose staging and production sync by hand (warnings
/// on their Applications), and on the same fleet exempting that rule.
#[test]
fn checking_while_rendering_equals_checking_the_written_files() {
    use keiko_spec::{Env, platform::SyncMode, security::Exemption};
    let mut manual = keiko_spec::synthetic::raw(24);
    for env in [Env::Staging, Env::Production] {
        manual.environments.get_mut(env).sync = SyncMode::Manual;
    }
    let mut exempted = manual.clone();
    let reason = "staging and production sync by hand until the first release".to_owned();
    let check = "KEIKO-K8S-012".to_owned();
    exempted.security.exemptions.push(Exemption { check, reason, kinds: vec![], framework: Default::default() });
    let validate = |raw| Platform::new(keiko_spec::validate(raw).unwrap());
    for (platform, findings, exemptions) in
        [(platform(), 0, 1), (validate(manual), 176, 1), (validate(exempted), 0, 177)]
    {
        let (files, gathered) = keiko_generate::render_checked(&platform).unwrap();
        let parsed = policy::evaluate(platform.spec(), &files);
        assert_eq!(gathered.findings, parsed.findings);
        assert_eq!(gathered.exempted, parsed.exempted);
        assert_eq!((parsed.findings.len(), parsed.exempted.len()), (findings, exemptions));
    }
}

const GENERATE: &str = env!("CARGO_BIN_EXE_generate");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn lint(args: &[&str]) -> Output {
    Command::new(GENERATE).current_dir(repo()).arg("lint").args(args).output().expect("generate runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BROKEN: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostPID: true\n  containers:\n  - name: web\n    image: nginx:latest\n---\nkind: Kustomization\nimages:\n- name: web\n  newTag: latest\n---\njust: data\n";

#[test]
fn lint_passes_on_the_generated_base_and_argocd_trees() {
    let result = lint(&["generated/k8s/base", "generated/argocd"]);
    assert_eq!(result.status.code(), Some(0), "{}{}", text(&result.stdout), text(&result.stderr));
}

#[test]
fn lint_prints_one_line_per_finding_and_exits_1_on_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, BROKEN).unwrap();
    let result = lint(&[file.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let stdout = text(&result.stdout);
    let expected = format!("{}:1 Pod/shop/web KEIKO-K8S-004 hostPID is true (error)", file.display());
    assert!(stdout.lines().any(|line| line == expected), "{stdout}");
    assert!(stdout.contains("KEIKO-K8S-005"), "{stdout}");
    assert!(stdout.contains(":2 Kustomization//") && stdout.contains("KEIKO-K8S-016"), "{stdout}");
    assert!(stdout.contains(":3 note: not a Kubernetes object"), "{stdout}");
}

#[test]
fn lint_reports_malformed_yaml_with_its_location_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), BROKEN).unwrap();
    std::fs::write(dir.path().join("bad.yaml"), "kind: Pod\nmetadata:\n  name: [unclosed\n").unwrap();
    let result = lint(&[dir.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2), "{}", text(&result.stderr));
    let stderr = text(&result.stderr);
    let bad = dir.path().join("bad.yaml").display().to_string();
    assert!(stderr.contains(&format!("error: {bad}:")), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(text(&result.stdout).contains("KEIKO-K8S-004"), "the readable file is still linted");
    assert_eq!(lint(&["no/such/file.yaml"]).status.code(), Some(2));
}

#[test]
fn malformed_yaml_errors_name_a_line_and_column() {
    let error = yaml_input::subjects("bad.yaml", "a: 1\nb: [unclosed\n").unwrap_err();
    let yaml_input::InputError::Malformed { line, column, .. } = error else { panic!("{error}") };
    assert!(line >= 2 && column >= 1, "{line}:{column}");
}

#[test]
fn lint_sarif_is_json_of_version_2_1_0_and_json_lists_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, BROKEN).unwrap();
    let sarif = lint(&["--format", "sarif", file.to_str().unwrap()]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["runs"][0]["results"].as_array().unwrap().iter().any(|r| r["ruleId"] == "KEIKO-K8S-004"));
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), policy::rules().len());
    let json = lint(&["--format", "json", file.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(json.status.code(), Some(1));
}

#[test]
fn generate_refuses_output_that_fails_an_error_level_rule_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(repo().join("keiko.yaml")).unwrap();
    let single = spec.replacen("production: { min: 3, max: 15 }", "production: { min: 1, max: 15 }", 1);
    assert_ne!(spec, single, "the fixture edit applies");
    let spec_path = dir.path().join("keiko.yaml");
    std::fs::write(&spec_path, single).unwrap();
    let out = dir.path().join("generated");
    let result = Command::new(GENERATE)
        .args(["--spec", spec_path.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(4), "{}", text(&result.stderr));
    assert!(text(&result.stderr).contains("KEIKO-SPEC-001"), "{}", text(&result.stderr));
    assert!(!out.exists(), "nothing is written");
}

proptest! {
    #[test]
    fn the_lint_yaml_reader_never_panics_on_arbitrary_text(text in ".{0,200}") {
        let _ = yaml_input::subjects("fuzz.yaml", &text);
    }

    #[test]
    fn the_lint_yaml_reader_never_panics_on_yaml_like_text(text in "[-:{}\\[\\]|>&*!'\" \na-z0-9#%@`,?]{0,200}") {
        if let Ok(read) = yaml_input::subjects("fuzz.yaml", &text) {
            let report = policy::evaluate_objects(&read.subjects, &policy::Context::default(), &[]);
            let _ = (report.text(), report.json(), report.sarif());
        }
    }
}

/// A spec exemption of a Keiko rule is written on the objects it covers as the rule's
/// own annotation (so `lint` over generated/ agrees), never as a checkov skip.
#[test]
fn keiko_rule_exemptions_are_annotated_on_the_objects_they_cover() {
    use keiko_spec::security::Exemption;
    let mut raw = keiko_spec::synthetic::raw(3);
    let reason = "the rollout controller owns this budget".to_owned();
    let check = "KEIKO-K8S-009".to_owned();
    raw.security.exemptions.push(Exemption {
        check,
        reason,
        kinds: vec!["Deployment".into()],
        framework: Default::default(),
    });
    let spec = keiko_spec::validate(raw).unwrap();
    let objects: Vec<_> = keiko_manifests::components::components(&Platform::new(spec), keiko_spec::Env::Production)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .collect();
    let annotation = |o: &keiko_manifests::k8s::Object, key: &str| {
        o.value.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(|v| v.as_str()).map(str::to_owned)
    };
    let deployments: Vec<_> = objects.iter().filter(|o| o.kind == "Deployment").collect();
    assert!(!deployments.is_empty());
    for deployment in deployments {
        let exempt = annotation(deployment, "keiko.io/exempt-KEIKO-K8S-009");
        assert_eq!(exempt.as_deref(), Some("the rollout controller owns this budget"), "{}", deployment.name);
        let skips = deployment.value.pointer("/metadata/annotations").unwrap().as_object().unwrap();
        assert!(skips.values().all(|v| !v.as_str().unwrap_or_default().starts_with("KEIKO-")));
    }
    assert!(
        objects
            .iter()
            .filter(|o| o.kind == "StatefulSet")
            .all(|o| annotation(o, "keiko.io/exempt-KEIKO-K8S-009").is_none())
    );
}
