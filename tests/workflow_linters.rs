//! The workflows as files: actionlint and zizmor find nothing in any of them, generated or
//! the project's own; `generate install-workflows` copies a service's workflow as generated;
//! the Terraform workflows install the Terraform release that `versions.tf` requires.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every workflow file: generated/github/workflows and .github/workflows.
fn workflows() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["generated/github/workflows", ".github/workflows"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "yml" || ext == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs `tool` with `args` and the workflow files; `None` when the tool is not installed.
fn run(tool: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(tool).args(args).args(workflows()).current_dir(repo()).output() {
        Ok(output) => Some(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            println!("skipped: {tool} is not installed (bash .ci/run installs it)");
            None
        }
        Err(error) => panic!("cannot run {tool}: {error}"),
    }
}

fn assert_clean(tool: &str, output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{tool} found problems:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn actionlint_reports_nothing_on_any_workflow() {
    if let Some(output) = run("actionlint", &[]) {
        assert_clean("actionlint", &output);
    }
}

#[test]
fn zizmor_reports_nothing_on_any_workflow() {
    if let Some(output) = run("zizmor", &["--offline", "--no-progress"]) {
        assert_clean("zizmor", &output);
    }
}

#[test]
fn terraform_workflows_install_the_terraform_release_the_roots_require() {
    assert_eq!(keiko_manifests::github::terraform_pipeline::TERRAFORM_VERSION, keiko_hcl::providers::TERRAFORM_VERSION);
}

#[test]
fn install_workflows_writes_the_generated_workflow_of_a_service() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join(".github/workflows");
    let run = |service: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_generate"));
        command.current_dir(repo()).args(["install-workflows", "--service", service, "--into"]).arg(&into);
        command.output().unwrap()
    };
    let service = "learning-service";
    assert!(run(service).status.success());
    let installed = std::fs::read_to_string(into.join("learning-service.yml")).unwrap();
    let committed = std::fs::read_to_string(repo().join("generated/github/workflows/learning-service.yml")).unwrap();
    assert_eq!(installed, committed);
    let unknown = run("no-such-service");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no service no-such-service"));
}
