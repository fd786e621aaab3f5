//! The real `terraform fmt` finds nothing to change in the generated files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `files` under a fresh temporary directory and returns it.
fn write_tree(name: &str, files: &keiko_model::Files) -> PathBuf {
    let root = std::env::temp_dir().join(format!("keiko-hcl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files.iter() {
        let target = root.join(path);
        let parent = target.parent().unwrap_or_else(|| panic!("{path} has no parent"));
        std::fs::create_dir_all(parent).unwrap_or_else(|error| panic!("{error}"));
        std::fs::write(&target, text).unwrap_or_else(|error| panic!("{error}"));
    }
    root
}

/// Runs `terraform fmt -check -recursive -diff dir` and fails with its output.
fn assert_fmt_clean(dir: &Path) {
    let output = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run terraform: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.trim().is_empty(), "terraform fmt would change:\n{stdout}");
}

#[test]
fn terraform_fmt_accepts_the_fixture_output() {
    if !common::terraform_available("terraform_fmt_accepts_the_fixture_output") {
        return;
    }
    let root = write_tree("fixture", &common::render(&common::fixture()));
    assert_fmt_clean(&root.join("terraform"));
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn terraform_fmt_accepts_the_keiko_output() {
    if !common::terraform_available("terraform_fmt_accepts_the_keiko_output") {
        return;
    }
    let root = write_tree("keiko", &common::render(&common::keiko()));
    assert_fmt_clean(&root.join("terraform"));
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn terraform_fmt_accepts_the_committed_generated_tree() {
    if !common::terraform_available("terraform_fmt_accepts_the_committed_generated_tree") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/terraform");
    if !dir.exists() {
        eprintln!("skipped: generated/terraform does not exist yet; run cargo run --bin generate");
        return;
    }
    assert_fmt_clean(&dir);
}
