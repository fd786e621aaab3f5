//! The I/O side of `generate`: rendering the whole platform in memory, then either
//! swapping it into place atomically or comparing it with what is committed.

pub mod drift;
pub mod spec_file;
pub mod tree;
pub mod write;

use keiko_manifests::policy::{self, Report};
use keiko_manifests::{Files, RenderError, Spec};

/// Every generated file of the platform: Kubernetes, Terraform, the schema and the
/// policy report.
pub fn render_all(spec: &Spec) -> Result<Files, RenderError> {
    render_checked(spec).map(|(files, _)| files)
}

/// [`render_all`] together with the policy report written to `policy-report.md`, so
/// the caller can refuse to write output that fails an error-level rule.
pub fn render_checked(spec: &Spec) -> Result<(Files, Report), RenderError> {
    let (mut files, gathered) = keiko_manifests::render_gathered(spec)?;
    files.extend(keiko_hcl::render(spec)?)?;
    let report = policy::evaluate_gathered(spec, gathered, &files);
    files.insert(POLICY_REPORT, report.markdown())?;
    Ok((files, report))
}

/// Where the policy report is written, relative to `generated/`.
pub const POLICY_REPORT: &str = "policy-report.md";
