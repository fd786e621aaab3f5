//! The Keiko platform spec and the builders that turn it into Kubernetes manifests.
//!
//! [`spec::load`] reads keiko.yaml into a validated [`Spec`]; [`render`] turns a spec
//! into [`Files`] without touching the filesystem. The `generate` binary is the one
//! place that writes them, after [`policy::evaluate`] found no error-level finding.

pub mod argocd;
pub mod backup;
pub mod crd;
pub mod github;
pub mod k8s;
pub mod observability;
pub mod output;
pub mod policy;
pub mod schema_file;
pub mod spec;
pub mod synthetic;

pub use output::{Files, RenderError};
pub use spec::{Env, PerEnv, Spec, SpecErrors, load};

/// Renders every file this crate owns for `spec`.
pub fn render(spec: &Spec) -> Result<Files, RenderError> {
    let mut files = Files::new();
    schema_file::render(&mut files)?;
    k8s::render(spec, &mut files)?;
    argocd::render(spec, &mut files)?;
    github::render(spec, &mut files)?;
    Ok(files)
}
