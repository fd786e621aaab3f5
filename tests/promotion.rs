//! `set-image` and `promote` change tags in a copy of the repository: the spec keeps its
//! comments and layout, generated/ follows, and the drift check stays clean.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GENERATE: &str = env!("CARGO_BIN_EXE_generate");
const NEW_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() { copy_tree(&path, &target) } else { std::fs::copy(&path, &target).map(|_| ()).unwrap() }
    }
}

/// A temporary copy of keiko.yaml and generated/.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("keiko.yaml"), dir.path().join("keiko.yaml")).unwrap();
    copy_tree(&repo().join("generated"), &dir.path().join("generated"));
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(GENERATE).current_dir(dir).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn set_image_then_promote_keeps_the_spec_readable_and_the_tree_fresh() {
    let dir = workspace();
    let before = read(dir.path(), "keiko.yaml");
    let set = run(dir.path(), &["set-image", "--env", "dev", "--service", "learning-service", "--tag", NEW_SHA]);
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    assert!(stdout(&set).contains("services.learning-service.image.tags.dev: "), "{}", stdout(&set));
    let after = read(dir.path(), "keiko.yaml");
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "exactly one line of the spec changes: {changed:?}");
    assert_eq!(before.lines().count(), after.lines().count());
    assert!(read(dir.path(), "generated/k8s/overlays/dev/learning-service/kustomization.yaml").contains(NEW_SHA));

    let promoted = run(dir.path(), &["promote", "--from", "dev", "--to", "staging", "--service", "learning-service"]);
    assert!(promoted.status.success(), "{}", String::from_utf8_lossy(&promoted.stderr));
    assert!(stdout(&promoted).contains("services.learning-service.image.tags.staging: "), "{}", stdout(&promoted));
    assert!(read(dir.path(), "generated/k8s/overlays/staging/learning-service/kustomization.yaml").contains(NEW_SHA));
    assert!(
        !read(dir.path(), "generated/k8s/overlays/production/learning-service/kustomization.yaml").contains(NEW_SHA)
    );

    let check = run(dir.path(), &["--check"]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn invalid_tags_and_skipped_environments_change_nothing() {
    let dir = workspace();
    let spec = read(dir.path(), "keiko.yaml");
    let mutable =
        run(dir.path(), &["set-image", "--env", "production", "--service", "identity-service", "--tag", "latest"]);
    assert_eq!(mutable.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&mutable.stderr)
            .contains("services.identity-service.image.tags.production: `latest` is mutable")
    );
    let unknown = run(dir.path(), &["set-image", "--env", "dev", "--service", "nope", "--tag", NEW_SHA]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`nope` is not a service; expected one of:"));
    let skip = run(dir.path(), &["promote", "--from", "dev", "--to", "production"]);
    assert_eq!(skip.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&skip.stderr).contains("cannot promote dev to production: dev promotes to staging")
    );
    assert_eq!(read(dir.path(), "keiko.yaml"), spec);
    assert!(run(dir.path(), &["--check"]).status.success());
}

#[test]
fn promoting_every_service_copies_all_differing_tags() {
    let dir = workspace();
    let promoted = run(dir.path(), &["promote", "--from", "staging", "--to", "production"]);
    assert!(promoted.status.success(), "{}", String::from_utf8_lossy(&promoted.stderr));
    assert_eq!(stdout(&promoted).lines().filter(|l| l.contains(".image.tags.production: ")).count(), 7);
    let again = run(dir.path(), &["promote", "--from", "staging", "--to", "production"]);
    assert!(stdout(&again).contains("no tag changed"));
    assert!(run(dir.path(), &["--check"]).status.success());
}
