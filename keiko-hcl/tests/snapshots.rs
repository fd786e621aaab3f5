//! Exact-bytes snapshots of each module and root, rendered from the small fixture spec.

mod common;

use keiko_model::Files;

/// The files under `dir`, each preceded by a `# ---- <path>` line.
fn files_under(files: &Files, dir: &str) -> String {
    let mut text = String::new();
    for (path, contents) in files.iter().filter(|(path, _)| path.starts_with(dir)) {
        text.push_str(&format!("# ---- {path}\n{contents}\n"));
    }
    assert!(!text.is_empty(), "nothing rendered under {dir}");
    text
}

fn snapshot(name: &str, dir: &str) {
    let files = common::render(&common::fixture());
    let text = files_under(&files, dir);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn the_kubernetes_module_matches_its_snapshot() {
    snapshot("hcl_ovh_kubernetes", "terraform/modules/ovh-kubernetes/");
}

#[test]
fn the_postgres_module_matches_its_snapshot() {
    snapshot("hcl_ovh_postgres", "terraform/modules/ovh-postgres/");
}

#[test]
fn the_harbor_modules_match_their_snapshots() {
    snapshot("hcl_harbor_project", "terraform/modules/harbor-project/");
    snapshot("hcl_registry_pull", "terraform/modules/registry-pull/");
}

#[test]
fn the_private_network_module_matches_its_snapshot() {
    snapshot("hcl_private_network", "terraform/modules/private-network/");
}

#[test]
fn the_object_storage_module_matches_its_snapshot() {
    snapshot("hcl_object_storage", "terraform/modules/object-storage/");
}

#[test]
fn the_object_storage_user_module_matches_its_snapshot() {
    snapshot("hcl_object_storage_user", "terraform/modules/object-storage-user/");
}

#[test]
fn the_registry_module_matches_its_snapshot() {
    snapshot("hcl_registry", "terraform/modules/registry/");
}

#[test]
fn the_secrets_module_matches_its_snapshot() {
    snapshot("hcl_secrets", "terraform/modules/secrets/");
}

#[test]
fn the_argocd_bootstrap_module_matches_its_snapshot() {
    snapshot("hcl_argocd_bootstrap", "terraform/modules/argocd-bootstrap/");
}

#[test]
fn the_dev_roots_match_their_snapshots() {
    snapshot("hcl_env_dev", "terraform/envs/dev/infrastructure/");
    snapshot("hcl_env_dev_argocd", "terraform/envs/dev/argocd/");
}

#[test]
fn the_production_roots_match_their_snapshots() {
    snapshot("hcl_env_production", "terraform/envs/production/infrastructure/");
    snapshot("hcl_env_production_argocd", "terraform/envs/production/argocd/");
}

#[test]
fn the_bootstrap_root_matches_its_snapshot() {
    snapshot("hcl_bootstrap", "terraform/bootstrap/");
}

#[test]
fn the_global_root_matches_its_snapshot() {
    snapshot("hcl_global", "terraform/global/");
}
