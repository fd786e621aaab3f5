//! Where the Kubernetes files go: `k8s/base/<component>/` and
//! `k8s/overlays/<env>/<component>/`, one kustomization per component so each
//! ArgoCD application builds only its own objects, and an index per environment.

pub mod render;

use crate::components::{Component, ImageRef};
use crate::k8s::kustomize::{Image, Kustomization, Patch, Target};
use crate::k8s::object::Object;
use crate::k8s::patch;
use crate::output::{Files, RenderError, yaml_document, yaml_fragment};
use keiko_spec::Env;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

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

/// A kustomization as written, with its path (for the policy engine).
pub type Written = (String, Kustomization);

/// One file per object plus a kustomization listing them, for each component; returns
/// the kustomizations.
pub fn base(components: &[Component], files: &mut Files) -> Result<Vec<Written>, RenderError> {
    let mut written = Vec::new();
    for component in components {
        let dir = base_dir(&component.name);
        let mut resources = Vec::new();
        for (object, name) in component.objects.iter().zip(file_names(&component.objects)) {
            let path = format!("{dir}/{name}");
            files.insert(path.clone(), yaml_document(&path, &object.value)?)?;
            resources.push(name);
        }
        written.push(write_kustomization(files, format!("{dir}/kustomization.yaml"), Kustomization::new(resources))?);
    }
    Ok(written)
}

/// The overlays of `env`: per component, the base plus patches and image overrides.
pub fn overlay(
    env: Env,
    base: &[Component],
    view: &[Component],
    files: &mut Files,
) -> Result<Vec<Written>, RenderError> {
    let mut written = Vec::new();
    for (from, to) in base.iter().zip(view) {
        written.push(component_overlay(env, from, to, files)?);
    }
    written.push(index(env, view.iter().map(|c| c.name.clone()).collect(), files)?);
    Ok(written)
}

/// The overlay index of `env`: a kustomization listing every component's overlay.
pub fn index(env: Env, components: Vec<String>, files: &mut Files) -> Result<Written, RenderError> {
    write_kustomization(files, format!("{}/kustomization.yaml", overlay_index(env)), Kustomization::new(components))
}

/// The overlay of one component in `env`: the base plus patches and image overrides.
pub fn component_overlay(
    env: Env,
    base: &Component,
    view: &Component,
    files: &mut Files,
) -> Result<Written, RenderError> {
    let dir = overlay_dir(env, &view.name);
    let mut kustomization = Kustomization::new(vec![format!("../../../base/{}", view.name)]);
    // Indexed by identity: components such as observability hold an object per service,
    // and a linear search per object made overlays quadratic in the fleet.
    let sources: BTreeMap<(&str, &str, &str), &Object> = base.objects.iter().map(|o| (identity(o), o)).collect();
    for (target, file_name) in view.objects.iter().zip(file_names(&view.objects)) {
        let source = sources.get(&identity(target)).ok_or_else(|| differs(env, target))?;
        // The base against itself (production) has nothing to patch.
        if std::ptr::eq(*source, target) {
            continue;
        }
        let operations = patch::diff(&source.value, &retagged(view, base, &target.value));
        if operations.is_empty() {
            continue;
        }
        // Inline, so an overlay reads as one file and a fleet's tree holds half as many
        // files. Kustomize trims an inline patch, which would cut the final line break of
        // a block string ending it, so patches with multi-line strings keep their file.
        let patch = if operations.iter().any(|o| o.value.as_ref().is_some_and(has_multiline_string)) {
            let path = format!("patches/{file_name}");
            write(files, &format!("{dir}/{path}"), &operations)?;
            Patch { target: target_of(target), patch: None, path: Some(path) }
        } else {
            Patch { target: target_of(target), patch: Some(yaml_fragment(&dir, &operations)?), path: None }
        };
        kustomization.patches.push(patch);
    }
    let targets: BTreeSet<(&str, &str, &str)> = view.objects.iter().map(identity).collect();
    if let Some(unmatched) = base.objects.iter().find(|o| !targets.contains(&identity(o))) {
        return Err(differs(env, unmatched));
    }
    kustomization.images = view.image.iter().map(image_override).collect();
    write_kustomization(files, format!("{dir}/kustomization.yaml"), kustomization)
}

/// One file name per object: `<kind>-<name>.yaml`, with the namespace added where two
/// objects of a component share kind and name (per-namespace policies).
pub fn file_names(objects: &[Object]) -> Vec<String> {
    let mut uses: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for object in objects {
        *uses.entry((&object.kind, &object.name)).or_default() += 1;
    }
    objects
        .iter()
        .map(|object| {
            let clashes = uses.get(&(object.kind.as_str(), object.name.as_str())).is_some_and(|n| *n > 1);
            if clashes {
                format!("{}-{}-{}.yaml", object.kind.to_ascii_lowercase(), object.namespace, object.name)
            } else {
                object.file_name()
            }
        })
        .collect()
}

/// The environment's object with its image reference put back to the base's, since
/// the `images` override, not a patch, carries the tag.
/// Only objects that hold the image (the workload) are copied.
fn retagged<'a>(view: &Component, base: &Component, value: &'a Value) -> Cow<'a, Value> {
    match (&view.image, &base.image) {
        (Some(to), Some(from)) if contains_string(value, &to.reference) => {
            Cow::Owned(replace_string(value, &to.reference, &from.reference))
        }
        _ => Cow::Borrowed(value),
    }
}

fn has_multiline_string(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\n'),
        Value::Array(items) => items.iter().any(has_multiline_string),
        Value::Object(map) => map.values().any(has_multiline_string),
        _ => false,
    }
}

fn contains_string(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|v| contains_string(v, text)),
        Value::Object(map) => map.values().any(|v| contains_string(v, text)),
        _ => false,
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

fn image_override(image: &ImageRef) -> Image {
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

/// An object's `kind/namespace/name` without formatting it.
fn identity(object: &Object) -> (&str, &str, &str) {
    (&object.kind, &object.namespace, &object.name)
}

fn differs(env: Env, object: &Object) -> RenderError {
    RenderError::ObjectSetDiffers { env: env.name().to_owned(), object: object.id() }
}

fn write<T: serde::Serialize>(files: &mut Files, path: &str, value: &T) -> Result<(), RenderError> {
    files.insert(path.to_owned(), yaml_document(path, value)?)
}

fn write_kustomization(files: &mut Files, path: String, kustomization: Kustomization) -> Result<Written, RenderError> {
    write(files, &path, &kustomization)?;
    Ok((path, kustomization))
}
