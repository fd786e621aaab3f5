//! Helpers of the tests that run independent checkers: a skip notice that `cargo test`
//! does not swallow, and running checkov on a directory and reading its JSON report.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Says that a test skipped because `tool` is missing. It writes to stderr directly, which
/// the test harness does not capture, so the notice shows in a plain `cargo test`.
pub fn skipped_without(tool: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {tool} is not installed, so its checks did not run (bash .ci/run installs it; \
         see \"Running the checkers locally\" in the README)"
    );
}

/// Whether `checkov` runs; when it does not, the caller says so and skips.
pub fn checkov_available() -> bool {
    Command::new("checkov").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// One result of a check on one resource.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// `CKV_GHA_7`.
    pub id: String,
    /// The file, relative to the scanned directory, with a leading `/`.
    pub file: String,
    /// checkov's name of the checked resource (`on(api-gateway)`, `aws_s3_bucket.x`).
    pub resource: String,
    /// The check's title.
    pub name: String,
    /// The reason written with a skip, for skipped checks.
    pub comment: String,
}

impl std::fmt::Display for CheckResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {} {}", self.id, self.file, self.resource, self.name)
    }
}

/// What checkov reported for one framework.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: Vec<CheckResult>,
    pub failed: Vec<CheckResult>,
    pub skipped: Vec<CheckResult>,
    pub parsing_errors: Vec<String>,
    /// How many resources checkov read (0 when no check applied to any of them).
    pub resource_count: u64,
}

/// Runs checkov's `framework` over `dir`, offline (`--skip-download`).
pub fn checkov(framework: &str, dir: &Path) -> Report {
    let output = Command::new("checkov")
        .args(["--framework", framework, "--compact", "--skip-download", "--output", "json", "--directory"])
        .arg(dir)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    let report = if report.is_array() { report[0].clone() } else { report };
    let results = |key: &str| -> Vec<CheckResult> {
        report["results"][key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| CheckResult {
                id: r["check_id"].as_str().unwrap_or_default().to_owned(),
                file: r["file_path"].as_str().unwrap_or_default().to_owned(),
                resource: r["resource"].as_str().unwrap_or_default().to_owned(),
                name: r["check_name"].as_str().unwrap_or_default().to_owned(),
                comment: r["check_result"]["suppress_comment"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    };
    // With no result at all checkov prints only the summary, at the top level.
    let summary = if report["summary"].is_object() { &report["summary"] } else { &report };
    Report {
        passed: results("passed_checks"),
        failed: results("failed_checks"),
        skipped: results("skipped_checks"),
        parsing_errors: report["results"]["parsing_errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
            .collect(),
        resource_count: summary["resource_count"].as_u64().unwrap_or(0),
    }
}

/// Copies the files directly in `from` into `to`, creating it.
pub fn copy_files(from: &Path, to: &Path) -> usize {
    std::fs::create_dir_all(to).unwrap();
    let mut copied = 0;
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            copied += 1;
        }
    }
    copied
}

/// Copies the tree under `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) -> usize {
    let mut copied = copy_files(from, to);
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            copied += copy_tree(&path, &to.join(path.file_name().unwrap()));
        }
    }
    copied
}
