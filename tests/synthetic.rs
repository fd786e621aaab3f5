//! Synthetic fleets (`generate --synthetic N`): they validate, survive a trip through
//! their YAML file, render deterministically, and the command line serves them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_generate::render_all;
use keiko_model::Platform;
use keiko_spec::synthetic;
use std::path::Path;
use std::process::Command;

const GENERATE: &str = env!("CARGO_BIN_EXE_generate");
const SIZES: [usize; 3] = [1, 7, 50];

fn generate(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(GENERATE).current_dir(dir).args(args).output().expect("generate runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "generate {args:?} failed: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn synthetic_specs_validate_and_round_trip_through_yaml() {
    for n in SIZES {
        let spec = synthetic::spec(n).unwrap_or_else(|errors| panic!("synthetic fleet of {n} is invalid:\n{errors}"));
        assert_eq!(spec.services().len(), n);
        let text = synthetic::yaml(n).unwrap();
        let loaded = keiko_spec::load("synthetic.yaml", &text)
            .unwrap_or_else(|errors| panic!("the written fleet of {n} does not load:\n{errors}"));
        assert_eq!(loaded.raw(), spec.raw(), "fleet of {n} changed through YAML");
        assert_eq!(
            render_all(&Platform::new(loaded)).unwrap(),
            render_all(&Platform::new(spec)).unwrap(),
            "fleet of {n} renders differently"
        );
    }
}

#[test]
fn synthetic_fleets_have_every_feature_the_benchmark_claims() {
    let spec = synthetic::spec(50).unwrap();
    let services = spec.services().values();
    assert!(services.clone().all(|s| s.calls.len() <= 6));
    assert!(services.clone().filter(|s| !s.calls.is_empty()).count() > 25);
    assert!(services.clone().filter(|s| s.database.is_some()).count() > 25);
    assert!(services.clone().filter(|s| !s.routes.is_empty()).count() > 10);
    assert!(services.clone().any(|s| s.rollout.strategy == keiko_spec::service::RolloutStrategy::BlueGreen));
    assert!(spec.stateful().values().all(|store| !store.clients.is_empty()));
}

#[test]
fn rendering_a_synthetic_fleet_twice_gives_the_same_files() {
    let platform = Platform::new(synthetic::spec(50).unwrap());
    assert_eq!(render_all(&platform).unwrap(), render_all(&platform).unwrap());
    assert_eq!(synthetic::raw(50), synthetic::raw(50));
}

#[test]
fn the_command_renders_a_synthetic_fleet_and_writes_its_spec_for_spec() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let stdout = generate(root, &["--synthetic", "7", "--out", "direct"]);
    assert!(stdout.contains("files written to direct"), "{stdout}");
    generate(root, &["--synthetic", "7", "--spec-out", "fleet.yaml"]);
    assert!(!root.join("keiko.yaml").exists(), "a synthetic run never writes keiko.yaml");
    generate(root, &["--spec", "fleet.yaml", "--out", "via-file"]);
    generate(root, &["--spec", "fleet.yaml", "--out", "direct", "--check"]);
    generate(root, &["--synthetic", "7", "--out", "via-file", "--check"]);
}
