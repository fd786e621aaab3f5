//! GitHub runs only `.github/workflows`: the platform's Terraform workflows are installed
//! there (`generate install-workflows --terraform --into .github/workflows`) and must stay
//! byte for byte what `generated/github/workflows` holds, or a change to the pipelines
//! would be reviewed in one place and run from another.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn the_installed_terraform_workflows_are_the_generated_ones() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo.join("keiko.yaml")).unwrap()).unwrap();
    let workflows = keiko_manifests::github::terraform_workflows(&keiko_model::Platform::new(spec)).unwrap();
    assert_eq!(workflows.len(), 3);
    for (name, text) in workflows {
        let installed = std::fs::read_to_string(repo.join(".github/workflows").join(&name)).unwrap_or_else(|_| {
            panic!(".github/workflows/{name} is missing: run `cargo run --bin generate -- install-workflows --terraform --into .github/workflows`")
        });
        assert!(
            installed == text,
            ".github/workflows/{name} differs from what generate renders: run `cargo run --bin generate -- install-workflows --terraform --into .github/workflows`"
        );
        let generated = std::fs::read_to_string(repo.join("generated/github/workflows").join(&name)).unwrap();
        assert_eq!(generated, installed, "{name}");
    }
}
