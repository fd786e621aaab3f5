//! The GitOps layer: per environment, the AppProjects and the child Applications
//! that the root Application (installed by Terraform) syncs from `argocd/<env>/`.

pub mod annotations;
pub mod application;
pub mod charts;
pub mod project;
pub mod values;

use crate::components;
use crate::k8s::Object;
use crate::k8s::kustomize::Kustomization;
use crate::layout::render::Placed;
use crate::output::{Files, RenderError, yaml_document};
use keiko_model::Platform;
use keiko_spec::Env;

pub use keiko_model::gitops::{IN_CLUSTER, NAMESPACE, ROOT_APPLICATION, ROOT_PROJECT};

/// The directory the root Application syncs, relative to `generated/`.
pub fn env_dir(env: Env) -> String {
    format!("argocd/{env}")
}

/// Every object the root Application of `env` syncs: projects first, then applications.
pub fn objects(platform: &Platform, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = vec![Object::new(&project::platform(platform))?, Object::new(&project::services(platform))?];
    for (name, addon) in platform.addons() {
        objects.push(Object::new(&application::addon(platform, env, name, addon)?)?);
    }
    objects.push(Object::new(&application::gateway_api(platform, env))?);
    // Only the components' names matter here: rendering their objects would cost as
    // much as the Kubernetes layer itself.
    for part in components::parts(platform) {
        objects.push(Object::new(&application::component(platform, env, part.name()))?);
    }
    Ok(objects)
}

/// Writes `argocd/<env>/` for every environment, with a kustomization listing its
/// files; returns the objects, where they were written, for the checks.
pub fn render(platform: &Platform, files: &mut Files) -> Result<Vec<Placed>, RenderError> {
    let mut placed = Vec::new();
    for env in Env::ALL {
        let dir = env_dir(env);
        let mut resources = Vec::new();
        for object in objects(platform, env)? {
            let file = format!("{dir}/{}", object.file_name());
            files.insert(file.clone(), yaml_document(&file, &object.value)?)?;
            resources.push(object.file_name());
            placed.push(Placed { file, object });
        }
        let path = format!("{dir}/kustomization.yaml");
        files.insert(path.clone(), yaml_document(&path, &Kustomization::new(resources))?)?;
    }
    Ok(placed)
}
