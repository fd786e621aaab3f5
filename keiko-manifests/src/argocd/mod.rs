//! The GitOps layer: per environment, the AppProjects and the child Applications
//! that the root Application (installed by Terraform) syncs from `argocd/<env>/`.

pub mod application;
pub mod charts;
pub mod project;
pub mod values;

use crate::k8s::kustomize::Kustomization;
use crate::k8s::{self, Object};
use crate::output::{Files, RenderError, yaml_document};
use crate::policy::{Context, Gathered};
use crate::spec::{Env, Spec};

/// The namespace ArgoCD runs in and keeps its Applications.
pub const NAMESPACE: &str = "argocd";
/// The in-cluster API server: each environment's ArgoCD manages its own cluster.
pub const IN_CLUSTER: &str = "https://kubernetes.default.svc";
/// The root Application's name; Terraform's argocd-bootstrap module creates it.
pub const ROOT_APPLICATION: &str = "keiko-root";
/// The AppProject of the root Application, created with it by Terraform.
pub const ROOT_PROJECT: &str = "keiko-root";

/// The directory the root Application syncs, relative to `generated/`.
pub fn env_dir(env: Env) -> String {
    format!("argocd/{env}")
}

/// Every object the root Application of `env` syncs: projects first, then applications.
pub fn objects(spec: &Spec, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = vec![Object::new(&project::platform(spec))?, Object::new(&project::services(spec))?];
    for (name, addon) in spec.addons() {
        objects.push(Object::new(&application::addon(spec, env, name, addon)?)?);
    }
    // Only the components' names matter here: rendering their objects would cost as
    // much as the Kubernetes layer itself.
    for part in k8s::parts(spec) {
        objects.push(Object::new(&application::component(spec, env, part.name()))?);
    }
    Ok(objects)
}

/// Writes `argocd/<env>/` for every environment, with a kustomization listing its
/// files, and hands the objects to `gathered`.
pub fn render(spec: &Spec, files: &mut Files, gathered: &mut Gathered) -> Result<(), RenderError> {
    let context = Context::from_spec(spec);
    for env in Env::ALL {
        let dir = env_dir(env);
        let mut resources = Vec::new();
        let mut subjects = Vec::new();
        for object in objects(spec, env)? {
            let path = format!("{dir}/{}", object.file_name());
            files.insert(path.clone(), yaml_document(&path, &object.value)?)?;
            resources.push(object.file_name());
            subjects.push(object.into_subject(path));
        }
        gathered.add(subjects, &context, &spec.security().exemptions);
        let path = format!("{dir}/kustomization.yaml");
        files.insert(path.clone(), yaml_document(&path, &Kustomization::new(resources))?)?;
    }
    Ok(())
}
