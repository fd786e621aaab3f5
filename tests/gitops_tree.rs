//! Following each environment's root Application, as Terraform installs it, reaches
//! every service, store and add-on exactly once, through paths that exist and build.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::argocd::{IN_CLUSTER, env_dir};
use keiko_spec::Env;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec() -> keiko_spec::Spec {
    keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo().join("keiko.yaml")).unwrap()).unwrap()
}

/// The `argocd` module call's string attributes in an environment's Terraform.
fn bootstrap_inputs(env: Env) -> BTreeMap<String, String> {
    let root = keiko_hcl::names::EnvRoot::Argocd.dir(env);
    let text = std::fs::read_to_string(repo().join(format!("generated/terraform/{root}/main.tf"))).unwrap();
    let body: hcl::Body = hcl::from_str(&text).unwrap();
    let module = body
        .blocks()
        .find(|b| b.identifier() == "module" && b.labels().first().map(|l| l.as_str()) == Some("argocd"))
        .unwrap();
    module
        .body()
        .attributes()
        .filter_map(|a| match a.expr() {
            hcl::Expression::String(s) => Some((a.key().to_owned(), s.clone())),
            _ => None,
        })
        .collect()
}

fn kustomize(path: &Path) -> Option<Vec<Value>> {
    let output = Command::new("kubectl").arg("kustomize").arg(path).output().ok()?;
    assert!(
        output.status.success(),
        "kubectl kustomize {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_saphyr::from_multiple(&String::from_utf8(output.stdout).unwrap()).unwrap())
}

/// The objects under a generated directory, built with kustomize when it is installed and
/// read file by file otherwise.
fn objects_at(path: &Path) -> Vec<Value> {
    if let Some(objects) = kustomize(path) {
        return objects;
    }
    let mut objects = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let file = entry.unwrap().path();
        if file.file_name().is_some_and(|n| n != "kustomization.yaml") && file.extension().is_some_and(|e| e == "yaml")
        {
            objects.push(serde_saphyr::from_str(&std::fs::read_to_string(file).unwrap()).unwrap());
        }
    }
    objects
}

#[test]
fn terraform_and_the_root_application_agree_on_repository_branch_and_path() {
    let spec = spec();
    for env in Env::ALL {
        let inputs = bootstrap_inputs(env);
        assert_eq!(inputs["git_repository"], spec.platform().repository, "{env}");
        assert_eq!(inputs["git_branch"], spec.environments().get(env).branch, "{env}");
        assert_eq!(inputs["git_path"], format!("generated/{}", env_dir(env)), "{env}");
        assert_eq!(inputs["chart_version"], spec.addons()["argo-cd"].version, "{env}");
    }
}

#[test]
fn the_root_application_reaches_every_service_store_and_addon_exactly_once() {
    if Command::new("kubectl").arg("version").arg("--client").output().is_err() {
        eprintln!("note: kubectl is not installed; application paths are read file by file, not built with kustomize");
    }
    let spec = spec();
    for env in Env::ALL {
        let root = repo().join(&bootstrap_inputs(env)["git_path"]);
        let objects = objects_at(&root);
        let projects: Vec<&str> = objects
            .iter()
            .filter(|o| o["kind"] == "AppProject")
            .map(|o| o["metadata"]["name"].as_str().unwrap())
            .collect();
        assert!(!projects.contains(&"default"));
        let mut reached: BTreeMap<String, usize> = BTreeMap::new();
        for app in objects.iter().filter(|o| o["kind"] == "Application") {
            let name = app["metadata"]["name"].as_str().unwrap();
            let source = &app["spec"]["source"];
            assert!(
                projects.contains(&app["spec"]["project"].as_str().unwrap()),
                "{env}/{name}: project defined alongside"
            );
            assert_eq!(app["spec"]["destination"]["server"], IN_CLUSTER, "{env}/{name}");
            if source["repoURL"] == keiko_model::gateway_api::REPOSITORY {
                // The Gateway API CRDs, synced from upstream at a pinned tag.
                assert_eq!(name, keiko_model::gateway_api::APPLICATION, "{env}");
                assert_eq!(source["targetRevision"], keiko_model::gateway_api::VERSION, "{env}/{name}: pinned tag");
                assert_eq!(source["path"], keiko_model::gateway_api::PATH, "{env}/{name}");
            } else if let Some(path) = source["path"].as_str() {
                assert_eq!(source["repoURL"], spec.platform().repository.as_str(), "{env}/{name}");
                assert_eq!(source["targetRevision"], spec.environments().get(env).branch.as_str(), "{env}/{name}");
                let built = objects_at(&repo().join(path));
                assert!(!built.is_empty(), "{env}/{name}: {path} renders objects");
            } else {
                let addon = &spec.addons()[name];
                assert_eq!(source["chart"], addon.chart.as_str(), "{env}/{name}");
                assert_eq!(source["targetRevision"], addon.version.as_str(), "{env}/{name}: pinned chart version");
            }
            *reached.entry(name.to_owned()).or_default() += 1;
        }
        for name in spec.services().keys().chain(spec.stateful().keys()).chain(spec.addons().keys()) {
            assert_eq!(reached.get(name), Some(&1), "{env}: {name} must be reached exactly once");
        }
    }
}
