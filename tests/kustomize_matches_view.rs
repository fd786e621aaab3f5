//! `kubectl kustomize` of every overlay reproduces, object for object, the generator's
//! own rendering of that environment: the overlays lose and invent nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_manifests::layout;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn kubectl_available() -> bool {
    Command::new("kubectl").arg("version").arg("--client").output().is_ok_and(|o| o.status.success())
}

fn by_id(objects: impl IntoIterator<Item = Value>) -> BTreeMap<String, Value> {
    objects
        .into_iter()
        .map(|v| {
            let text = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_owned();
            (format!("{}/{}/{}", text("/kind"), text("/metadata/namespace"), text("/metadata/name")), v)
        })
        .collect()
}

fn kustomize(dir: &Path) -> BTreeMap<String, Value> {
    let output = Command::new("kubectl").arg("kustomize").arg(dir).output().expect("kubectl runs");
    assert!(
        output.status.success(),
        "kubectl kustomize {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("kustomize prints YAML");
    by_id(docs)
}

#[test]
fn every_overlay_builds_to_the_rendered_environment() {
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not installed, so the overlays were not built with kustomize");
        return;
    }
    let text = std::fs::read_to_string(repo().join("keiko.yaml")).unwrap();
    let platform = Platform::new(keiko_spec::load("keiko.yaml", &text).unwrap());
    for env in Env::ALL {
        let view = components(&platform, env).unwrap();
        let expected = by_id(view.iter().flat_map(|c| c.objects.iter().map(|o| o.value.clone())));
        let built = kustomize(&repo().join("generated").join(layout::overlay_index(env)));
        assert_eq!(built.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "{env}: object sets differ");
        for (id, value) in &expected {
            assert_eq!(&built[id], value, "{env}: {id} differs between kustomize and the generator");
        }
        for component in &view {
            let one = kustomize(&repo().join("generated").join(layout::overlay_dir(env, &component.name)));
            assert_eq!(one.len(), component.objects.len(), "{env}/{} builds on its own", component.name);
        }
    }
}
