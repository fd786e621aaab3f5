//! checkov's Terraform checks find nothing in generated/terraform (modules, environment
//! stacks, bootstrap, global).
//!
//! checkov 3.3 has no check for the resources of the ovh, helm and kubernetes providers,
//! for local module sources or for the s3 backend, so on the generated tree alone it
//! reports nothing, which would also be what a checkov that read no file reports. A
//! canary stack beside the copied tree, one resource that checkov is known to fail,
//! proves that checkov parsed the tree and that its failures reach this test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{checkov, checkov_available, copy_tree, repo, skipped_without};

/// The canary's directory, beside the copied `terraform/`.
const CANARY_DIR: &str = "checkov-canary";
/// A bucket without encryption, logging or versioning: several AWS checks fail on it.
const CANARY: &str = "resource \"aws_s3_bucket\" \"canary\" {\n  bucket = \"keiko-checkov-canary\"\n}\n";

/// The number of `resource` blocks in the Terraform files under `dir`.
fn resource_blocks(dir: &std::path::Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            count += resource_blocks(&path);
        } else if path.extension().is_some_and(|e| e == "tf") {
            count += std::fs::read_to_string(&path).unwrap().lines().filter(|l| l.starts_with("resource \"")).count();
        }
    }
    count
}

#[test]
fn checkov_finds_no_terraform_failure() {
    if !checkov_available() {
        skipped_without("checkov");
        return;
    }
    let generated = repo().join("generated/terraform");
    // checkov skips hidden directories, and tempdir() names them `.tmpXXXX`.
    let dir = tempfile::Builder::new().prefix("keiko-checkov-terraform-").tempdir().unwrap();
    assert!(copy_tree(&generated, &dir.path().join("terraform")) > 40, "generated/terraform holds the stacks");
    std::fs::create_dir(dir.path().join(CANARY_DIR)).unwrap();
    std::fs::write(dir.path().join(CANARY_DIR).join("main.tf"), CANARY).unwrap();

    let report = checkov("terraform", dir.path());

    assert!(report.parsing_errors.is_empty(), "checkov could not parse: {:?}", report.parsing_errors);
    let (canary, failures): (Vec<_>, Vec<_>) =
        report.failed.iter().partition(|f| f.file.starts_with(&format!("/{CANARY_DIR}/")));
    assert!(!canary.is_empty(), "checkov did not fail the canary bucket, so it checked nothing");
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "checkov Terraform failures:\n{}", failures.join("\n"));
    // Nothing writes skip comments into the Terraform, so any skip is unexplained.
    let skipped: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
    assert!(skipped.is_empty(), "Terraform checks skipped without an exemption:\n{}", skipped.join("\n"));
    let generated_resources = resource_blocks(&generated);
    assert!(
        report.resource_count > generated_resources as u64,
        "checkov read {} resources, fewer than the {generated_resources} generated ones and the canary",
        report.resource_count
    );
}
