//! The I/O side of `generate`: rendering the whole platform in memory, then either
//! swapping it into place atomically or comparing it with what is committed.

pub mod drift;
pub mod spec_file;
pub mod tree;
pub mod write;

use keiko_manifests::{Files, RenderError, Spec};

/// Every generated file of the platform: Kubernetes, Terraform and the schema.
pub fn render_all(spec: &Spec) -> Result<Files, RenderError> {
    let mut files = keiko_manifests::render(spec)?;
    files.extend(keiko_hcl::render(spec)?)?;
    Ok(files)
}
