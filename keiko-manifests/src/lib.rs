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
    render_gathered(spec).map(|(files, _)| files)
}

/// [`render`], together with every Kubernetes object written (the base and ArgoCD's)
/// handed to the policy engine as it was rendered; see [`policy::evaluate_gathered`].
/// The small layers render on a thread of their own while the Kubernetes layer keeps
/// every core busy, so no core waits on a sequential stage.
pub fn render_gathered(spec: &Spec) -> Result<(Files, policy::Gathered), RenderError> {
    let (mut files, mut gathered) = (Files::new(), policy::Gathered::default());
    let (other_files, other_gathered) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let (mut files, mut gathered) = (Files::new(), policy::Gathered::default());
            schema_file::render(&mut files)?;
            argocd::render(spec, &mut files, &mut gathered)?;
            github::render(spec, &mut files)?;
            Ok::<_, RenderError>((files, gathered))
        });
        let k8s = k8s::render(spec, &mut files, &mut gathered);
        let others = others.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        k8s.and(others)
    })?;
    files.extend(other_files)?;
    gathered.merge(other_gathered);
    Ok((files, gathered))
}
