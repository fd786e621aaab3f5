//! The `generate` command as engineers and CI run it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GENERATE: &str = env!("CARGO_BIN_EXE_generate");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate(args: &[&str]) -> Output {
    Command::new(GENERATE).current_dir(repo()).args(args).output().expect("generate runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh copy of generated/ in a temporary directory.
fn rendered_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("generated");
    let result = generate(&["--out", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    (dir, out)
}

fn check(out: &Path) -> Output {
    generate(&["--check", "--out", out.to_str().unwrap()])
}

fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn two_runs_into_empty_directories_give_identical_bytes() {
    let (_a, first) = rendered_copy();
    let (_b, second) = rendered_copy();
    let first = snapshot(&first);
    assert!(!first.is_empty());
    assert_eq!(first, snapshot(&second));
}

#[test]
fn check_passes_on_a_fresh_tree_and_names_an_edited_file() {
    let (_dir, out) = rendered_copy();
    assert!(check(&out).status.success());
    let victim = out.join("schema/keiko.schema.json");
    std::fs::write(&victim, "{}\n").unwrap();
    let result = check(&out);
    assert_eq!(result.status.code(), Some(1));
    let stdout = text(&result.stdout);
    assert!(stdout.contains("changed: "), "{stdout}");
    assert!(stdout.contains("schema/keiko.schema.json"), "{stdout}");
    assert!(stdout.contains("+++ b/schema/keiko.schema.json"), "a unified diff is printed: {stdout}");
}

#[test]
fn check_names_deleted_and_stray_files() {
    let (_dir, out) = rendered_copy();
    std::fs::remove_file(out.join("schema/keiko.schema.json")).unwrap();
    std::fs::write(out.join("stray.yaml"), "kind: Stray\n").unwrap();
    let result = check(&out);
    assert_eq!(result.status.code(), Some(1));
    let stdout = text(&result.stdout);
    assert!(stdout.contains("missing: ") && stdout.contains("schema/keiko.schema.json"), "{stdout}");
    assert!(stdout.contains("extra: ") && stdout.contains("stray.yaml"), "{stdout}");
}

#[test]
fn writing_removes_files_nothing_renders_and_reports_a_summary() {
    let (_dir, out) = rendered_copy();
    std::fs::write(out.join("orphan.yaml"), "kind: Orphan\n").unwrap();
    let result = generate(&["--out", out.to_str().unwrap()]);
    assert!(result.status.success());
    assert!(!out.join("orphan.yaml").exists());
    let stdout = text(&result.stdout);
    assert!(stdout.contains("1 removed"), "{stdout}");
    assert!(check(&out).status.success());
}

#[test]
fn a_spare_tree_left_half_refreshed_by_an_interrupted_run_is_repaired() {
    let (dir, out) = rendered_copy();
    // A first write after a change leaves the replaced tree as the spare.
    std::fs::write(out.join("schema/keiko.schema.json"), "stale").unwrap();
    assert!(generate(&["--out", out.to_str().unwrap()]).status.success());
    let spare = dir.path().join(".generated.spare");
    assert!(spare.join("schema/keiko.schema.json").is_file());
    // Then a run is killed while refreshing it.
    std::fs::create_dir_all(spare.join("half")).unwrap();
    std::fs::write(spare.join("half/written.yaml"), "partial").unwrap();
    std::fs::write(spare.join("policy-report.md"), "partial").unwrap();
    std::fs::remove_dir_all(spare.join("terraform")).unwrap();
    std::fs::write(out.join("policy-report.md"), "stale").unwrap();
    assert!(generate(&["--out", out.to_str().unwrap()]).status.success());
    assert!(check(&out).status.success());
    assert!(!out.join("half").exists());
}

#[test]
fn a_bad_spec_exits_2_with_every_problem_and_touches_nothing() {
    let (dir, out) = rendered_copy();
    let before = snapshot(&out);
    let spec = std::fs::read_to_string(repo().join("keiko.yaml"))
        .unwrap()
        .replacen("  namespace: keiko\n", "  namespace: Keiko\n  colour: blue\n", 1)
        .replacen("min_nodes: 2, max_nodes: 3", "min_nodes: -2, max_nodes: 3", 1);
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, spec).unwrap();
    let result = generate(&["--spec", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("platform.colour: unknown field `colour`"), "{stderr}");
    assert!(
        stderr.contains("environments.dev.node_pools.system.min_nodes: -2 is less than the minimum of"),
        "{stderr}"
    );
    assert!(stderr.contains("2 problems in"), "{stderr}");
    assert_eq!(before, snapshot(&out));
}

#[test]
fn a_missing_spec_is_an_error_not_a_panic() {
    let result = generate(&["--spec", "/nonexistent/keiko.yaml", "--check"]);
    assert_eq!(result.status.code(), Some(3));
    assert!(text(&result.stderr).contains("cannot read /nonexistent/keiko.yaml"));
}

/// The names directly in `dir`: a dry run leaves no spare tree, lock or temporary file.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The paths stdout lists under `label` (`added: OUT/path`), relative to `out`.
fn listed(stdout: &str, label: &str, out: &Path) -> Vec<String> {
    let prefix = format!("{label}: {}/", out.display());
    stdout.lines().filter_map(|line| line.strip_prefix(&prefix)).map(str::to_owned).collect()
}

#[test]
fn a_dry_run_lists_exactly_the_files_a_write_would_change_and_writes_nothing() {
    let (dir, out) = rendered_copy();
    std::fs::remove_file(out.join("schema/keiko.schema.json")).unwrap();
    std::fs::write(out.join("policy-report.md"), "stale\n").unwrap();
    std::fs::write(out.join("stray.yaml"), "kind: Stray\n").unwrap();
    std::fs::create_dir_all(out.join("old/dir")).unwrap();
    std::fs::write(out.join("old/dir/gone.yaml"), "kind: Gone\n").unwrap();
    let (before, names) = (snapshot(dir.path()), entries(dir.path()));
    let result = generate(&["--dry-run", "--out", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert_eq!(listed(&stdout, "added", &out), ["schema/keiko.schema.json"], "{stdout}");
    assert_eq!(listed(&stdout, "changed", &out), ["policy-report.md"], "{stdout}");
    assert_eq!(listed(&stdout, "removed", &out), ["old/dir/gone.yaml", "stray.yaml"], "{stdout}");
    assert!(stdout.contains("1 added, 1 changed, 2 removed"), "{stdout}");
    assert_eq!(stdout.lines().count(), 5, "one line per file and a summary: {stdout}");
    assert_eq!(before, snapshot(dir.path()), "a dry run writes nothing");
    assert_eq!(names, entries(dir.path()), "no spare tree or other file beside the tree");
    assert!(!dir.path().join(".generated.spare").exists());
    // What it listed is what a write then does.
    let written = generate(&["--out", out.to_str().unwrap()]);
    assert!(text(&written.stdout).contains("2 changed, 2 removed"), "{}", text(&written.stdout));
}

#[test]
fn a_dry_run_of_a_missing_tree_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let result = generate(&["--dry-run", "--out", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(listed(&text(&result.stdout), "added", &out).contains(&"policy-report.md".to_owned()));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn set_image_with_dry_run_leaves_the_spec_and_the_tree_byte_identical() {
    let (dir, out) = rendered_copy();
    let spec = dir.path().join("keiko.yaml");
    std::fs::copy(repo().join("keiko.yaml"), &spec).unwrap();
    let (before, names) = (snapshot(dir.path()), entries(dir.path()));
    let (spec_arg, out_arg) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let args = ["set-image", "--dry-run", "--spec", spec_arg, "--out", out_arg];
    let result = generate(&[&args[..], &["--env", "dev", "--service", "api-gateway", "--tag", "v9.9.9"]].concat());
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.contains(&format!("would write {spec_arg}")), "{stdout}");
    assert!(stdout.contains("-> v9.9.9"), "{stdout}");
    assert_eq!(listed(&stdout, "changed", &out), ["k8s/overlays/dev/api-gateway/kustomization.yaml"], "{stdout}");
    assert_eq!(before, snapshot(dir.path()), "neither the spec nor the tree is written");
    assert_eq!(names, entries(dir.path()), "no temporary spec file or spare tree is left");
}

#[test]
fn install_workflows_with_dry_run_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join(".github/workflows");
    let install = |dry_run: &[&str]| {
        let args = ["install-workflows", "--service", "api-gateway", "--into", into.to_str().unwrap()];
        generate(&[&args[..], dry_run].concat())
    };
    let result = install(&["--dry-run"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let path = into.join("api-gateway.yml");
    assert!(text(&result.stdout).contains(&format!("would write {}", path.display())), "{}", text(&result.stdout));
    assert!(entries(dir.path()).is_empty(), "not even the directory is made");
    assert!(install(&[]).status.success());
    let installed = std::fs::read(&path).unwrap();
    let again = install(&["--dry-run"]);
    assert!(text(&again.stdout).contains(&format!("{} is unchanged", path.display())), "{}", text(&again.stdout));
    assert_eq!(installed, std::fs::read(&path).unwrap());
    assert_eq!(entries(&into), ["api-gateway.yml"]);
}

#[test]
fn spec_out_with_dry_run_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.yaml");
    let result = generate(&["--synthetic", "3", "--spec-out", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    assert!(text(&result.stdout).contains(&format!("would write {}", path.display())), "{}", text(&result.stdout));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn check_and_dry_run_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let result = generate(&["--check", "--dry-run", "--out", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("cannot be used with"), "{}", text(&result.stderr));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn check_before_an_edit_compares_the_spec_and_the_tree_and_writes_nothing() {
    let (dir, out) = rendered_copy();
    let spec = dir.path().join("keiko.yaml");
    std::fs::copy(repo().join("keiko.yaml"), &spec).unwrap();
    let before = snapshot(dir.path());
    let (spec_arg, out_arg) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let args = ["--check", "--spec", spec_arg, "--out", out_arg, "set-image", "--env", "dev"];
    let result = generate(&[&args[..], &["--service", "api-gateway", "--tag", "v9.9.9"]].concat());
    assert_eq!(result.status.code(), Some(1), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.contains(&format!("would write {spec_arg}")), "{stdout}");
    assert!(stdout.contains("+++ b/k8s/overlays/dev/api-gateway/kustomization.yaml"), "{stdout}");
    assert_eq!(before, snapshot(dir.path()));
}

#[test]
fn check_of_a_single_file_exits_1_until_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.yaml");
    let spec_out =
        |mode: &[&str]| generate(&[&["--synthetic", "3", "--spec-out", path.to_str().unwrap()], mode].concat());
    let result = spec_out(&["--check"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stdout).contains(&format!("would write {}", path.display())), "{}", text(&result.stdout));
    assert!(entries(dir.path()).is_empty());
    assert!(spec_out(&[]).status.success());
    let result = spec_out(&["--check"]);
    assert_eq!(result.status.code(), Some(0));
    assert!(text(&result.stdout).contains(&format!("{} is unchanged", path.display())), "{}", text(&result.stdout));
}

#[test]
fn lint_reads_standard_input_for_a_dash() {
    use std::io::Write;
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: keiko}\nspec:\n  containers:\n  - {name: shell, image: \"busybox:latest\", securityContext: {privileged: true}}\n";
    let mut child = Command::new(GENERATE)
        .current_dir(repo())
        .args(["lint", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(pod.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}{}", text(&output.stdout), text(&output.stderr));
    assert!(text(&output.stdout).contains("<stdin>:1 Pod/keiko/debug"), "{}", text(&output.stdout));
}
