//! checkov's GitHub Actions checks pass on every workflow, generated or the project's own,
//! except the checks keiko.yaml exempts (`framework: github_actions`) with a reason, which
//! the generator writes into the workflows it covers as `# checkov:skip=` comments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{checkov, checkov_available, copy_files, repo, skipped_without};
use keiko_manifests::github::{Pipeline, terraform_pipeline, workflow_file};
use keiko_spec::Env;
use keiko_spec::security::Framework;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn checkov_finds_no_workflow_failure_that_the_spec_does_not_exempt() {
    if !checkov_available() {
        skipped_without("checkov");
        return;
    }
    let spec = keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo().join("keiko.yaml")).unwrap()).unwrap();
    // checkov reads workflows only under a `.github/workflows` directory, and skips other
    // hidden directories (tempdir() names them `.tmpXXXX`).
    let dir = tempfile::Builder::new().prefix("keiko-checkov-workflows-").tempdir().unwrap();
    let generated =
        copy_files(&repo().join("generated/github/workflows"), &dir.path().join("generated/.github/workflows"));
    let own = copy_files(&repo().join(".github/workflows"), &dir.path().join("repository/.github/workflows"));

    let report = checkov("github_actions", dir.path());

    assert!(report.parsing_errors.is_empty(), "checkov could not parse: {:?}", report.parsing_errors);
    let failures: Vec<String> = report.failed.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "checkov workflow failures not exempted in keiko.yaml:\n{}", failures.join("\n"));

    let mut pipelines: BTreeMap<String, Pipeline> =
        spec.services().keys().map(|s| (workflow_file(s), Pipeline::Service)).collect();
    pipelines.extend(Env::ALL.map(|env| (terraform_pipeline::file_name(env), Pipeline::Terraform)));
    let exemptions: Vec<_> =
        spec.security().exemptions.iter().filter(|e| e.framework == Framework::GithubActions).collect();
    let mut used = BTreeSet::new();
    for skipped in &report.skipped {
        let pipeline = skipped.file.strip_prefix("/generated/.github/workflows/").and_then(|name| pipelines.get(name));
        let exemption = exemptions.iter().find(|e| {
            e.check == skipped.id
                && pipeline.is_some_and(|p| e.kinds.is_empty() || e.kinds.iter().any(|k| k == p.name()))
        });
        let Some(exemption) = exemption else {
            panic!("{skipped} was skipped without a github_actions exemption in keiko.yaml covering that workflow");
        };
        let reason = exemption.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(skipped.comment, reason, "{skipped}: the skip's reason is not keiko.yaml's");
        used.insert(&exemption.check);
    }
    for exemption in &exemptions {
        assert!(used.contains(&exemption.check), "{} is exempted in keiko.yaml but skips nothing", exemption.check);
    }

    let scanned: BTreeSet<&str> = report.passed.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(scanned.len(), generated + own, "checkov checked every workflow: {scanned:?}");
    assert!(report.passed.len() > 1000, "checkov ran its checks: {} passed", report.passed.len());
}
