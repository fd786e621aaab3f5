//! One component at a time: its base (the production view, reused as production's
//! overlay source instead of being built twice), its dev and staging views and every
//! overlay, written into the caller's [`Files`]. A caller renders many components at
//! once and drops each when written: memory holds the files and one component per
//! worker, never a whole environment. Nothing here runs a thread or a check: the
//! assembly (the `generate` crate) shares the components out to the cores and hands
//! what [`one_component`] returns to the checks.

use crate::components::{Part, component};
use crate::k8s::{BASE_ENV, Object};
use crate::layout;
use crate::output::{Files, RenderError};
use keiko_model::Platform;
use keiko_model::connections::Connections;
use keiko_spec::Env;

/// An object and the file it is written to, as the checks receive it: one object per
/// file, or a kustomization (whose `images` are checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The file, relative to `generated/`.
    pub file: String,
    /// The object written there.
    pub object: Object,
}

/// Writes the base files and every overlay of one component into `files`; returns the
/// base objects and the kustomizations, where they were written.
pub fn one_component(
    platform: &Platform,
    part: Part<'_>,
    flows: &Connections,
    files: &mut Files,
) -> Result<Vec<Placed>, RenderError> {
    let base = component(platform, BASE_ENV, part, flows)?;
    let mut kustomizations = layout::base(std::slice::from_ref(&base), files)?;
    for env in Env::ALL {
        if env == BASE_ENV {
            kustomizations.push(layout::component_overlay(env, &base, &base, files)?);
        } else {
            kustomizations.push(layout::component_overlay(env, &base, &component(platform, env, part, flows)?, files)?);
        }
    }
    let paths =
        layout::file_names(&base.objects).into_iter().map(|name| format!("{}/{name}", layout::base_dir(&base.name)));
    let mut placed: Vec<Placed> = paths.zip(base.objects).map(|(file, object)| Placed { file, object }).collect();
    for written in kustomizations {
        placed.push(kustomization(written)?);
    }
    Ok(placed)
}

/// Writes every environment's overlay index (the kustomization listing the components
/// `names`, in order) into `files`.
pub fn indexes(names: &[String], files: &mut Files) -> Result<Vec<Placed>, RenderError> {
    Env::ALL.into_iter().map(|env| layout::index(env, names.to_vec(), files).and_then(kustomization)).collect()
}

/// A written kustomization as an object.
fn kustomization((file, kustomization): layout::Written) -> Result<Placed, RenderError> {
    let object = Object::new(&kustomization)
        .map_err(|error| RenderError::Serialize { path: file.clone(), reason: error.to_string() })?;
    Ok(Placed { file, object })
}
