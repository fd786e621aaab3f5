//! Where the Kubernetes files go: `k8s/base/<component>/` and
//! `k8s/overlays/<env>/<component>/`, one kustomization per component so each
//! ArgoCD application builds only its own objects, and an index per environment.

use super::kustomize::{Image, Kustomization, Operation, Patch, Target};
use super::object::Object;
use super::{Component, patch};
use crate::output::{Files, RenderError, yaml_document};
use crate::spec::Env;
use serde_json::Value;

/// The base directory of a component, relative to `generated/`.
pub fn base_dir(component: &str) -> String {
    format!("k8s/base/{component}")
}

/// The overlay directory of a component in `env`, relative to `generated/`.
pub fn overlay_dir(env: Env, component: &str) -> String {
    format!("k8s/overlays/{env}/{component}")
}

/// The overlay index of `env`, the path an environment-wide build starts from.
pub fn overlay_index(env: Env) -> String {
    format!("k8s/overlays/{env}")
}

/// One file per object plus a kustomization listing them, for each component.
pub fn base(components: &[Component], files: &mut Files) -> Result<(), RenderError> {
    for component in components {
        let dir = base_dir(&component.name);
        let mut resources = Vec::new();
        for object in &component.objects {
            let path = format!("{dir}/{}", object.file_name());
            files.insert(path.clone(), yaml_document(&path, &object.value)?)?;
            resources.push(object.file_name());
        }
        write(files, &format!("{dir}/kustomization.yaml"), &Kustomization::new(resources))?;
    }
    Ok(())
}

/// The overlays of `env`: per component, the base plus patches and image overrides.
pub fn overlay(env: Env, base: &[Component], view: &[Component], files: &mut Files) -> Result<(), RenderError> {
    let mut index = Vec::new();
    for (from, to) in base.iter().zip(view) {
        component_overlay(env, from, to, files)?;
        index.push(to.name.clone());
    }
    write(files, &format!("{}/kustomization.yaml", overlay_index(env)), &Kustomization::new(index))
}

fn component_overlay(env: Env, base: &Component, view: &Component, files: &mut Files) -> Result<(), RenderError> {
    let dir = overlay_dir(env, &view.name);
    let mut kustomization = Kustomization::new(vec![format!("../../../base/{}", view.name)]);
    for target in &view.objects {
        let source = base.objects.iter().find(|o| o.id() == target.id()).ok_or_else(|| differs(env, target))?;
        let operations = patch::diff(&source.value, &retagged(view, base, &target.value));
        if operations.is_empty() {
            continue;
        }
        let path = format!("patches/{}", target.file_name());
        write(files, &format!("{dir}/{path}"), &operations)?;
        kustomization.patches.push(Patch { path, target: target_of(target) });
    }
    if let Some(unmatched) = base.objects.iter().find(|o| !view.objects.iter().any(|t| t.id() == o.id())) {
        return Err(differs(env, unmatched));
    }
    kustomization.images = view.image.iter().map(image_override).collect();
    write(files, &format!("{dir}/kustomization.yaml"), &kustomization)
}

/// The environment's object with its image reference put back to the base's, since
/// the `images` override, not a patch, carries the tag.
fn retagged(view: &Component, base: &Component, value: &Value) -> Value {
    match (&view.image, &base.image) {
        (Some(to), Some(from)) => replace_string(value, &to.reference, &from.reference),
        _ => value.clone(),
    }
}

fn replace_string(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(text) if text == from => Value::String(to.to_owned()),
        Value::Array(items) => Value::Array(items.iter().map(|v| replace_string(v, from, to)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), replace_string(v, from, to))).collect())
        }
        other => other.clone(),
    }
}

fn image_override(image: &super::ImageRef) -> Image {
    match image.tag.strip_prefix("sha256:") {
        Some(_) => Image { name: image.name.clone(), new_tag: None, digest: Some(image.tag.clone()) },
        None => Image { name: image.name.clone(), new_tag: Some(image.tag.clone()), digest: None },
    }
}

fn target_of(object: &Object) -> Target {
    Target {
        group: object.group().to_owned(),
        version: object.version().to_owned(),
        kind: object.kind.clone(),
        namespace: object.namespace.clone(),
        name: object.name.clone(),
    }
}

fn differs(env: Env, object: &Object) -> RenderError {
    RenderError::ObjectSetDiffers { env: env.name().to_owned(), object: object.id() }
}

fn write<T: serde::Serialize>(files: &mut Files, path: &str, value: &T) -> Result<(), RenderError> {
    files.insert(path.to_owned(), yaml_document(path, value)?)
}

/// Operations as written in a patch file, for tests that read overlays back.
pub type PatchFile = Vec<Operation>;
