//! The I/O side of `generate`: rendering the whole platform in memory, then either
//! swapping it into place atomically or comparing it with what is committed.

pub mod assemble;
pub mod cores;
pub mod drift;
pub mod tree;
pub mod write;

use keiko_manifests::{Files, RenderError};
use keiko_model::Platform;
use keiko_policy::{self as policy, Report};
use keiko_spec::facts::{self, AllFacts};
use keiko_spec::{Env, Spec, SpecErrors};
use std::path::Path;

/// The platform of `spec`, read from `spec_file`, with the Terraform facts of every
/// environment whose `facts/<env>.json` exists beside it (ADR 0017). A facts file that does
/// not fit the spec is an error like a bad spec: every problem, located. An unreadable one
/// too, since a missing file is the only way to say "not applied yet".
pub fn platform(spec_file: &Path, spec: Spec) -> Result<Platform, SpecErrors> {
    let dir = spec_file.parent().unwrap_or(Path::new(""));
    let mut all = AllFacts::new();
    for env in Env::ALL {
        let path = dir.join(facts::facts_file(env));
        if let Some(text) = read_if_present(&path)? {
            all.insert(env, facts::load(&path.display().to_string(), &text, &spec, env)?);
        }
    }
    let global = dir.join(facts::GLOBAL_FACTS_FILE);
    if let Some(text) = read_if_present(&global)? {
        facts::load_global(&global.display().to_string(), &text, &spec)?;
    }
    Ok(Platform::new(spec).with_terraform_facts(all))
}

/// The text of a facts file, `None` when it does not exist (the root is not applied yet).
fn read_if_present(path: &Path) -> Result<Option<String>, SpecErrors> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => {
            let problem = keiko_spec::Problem::Invalid(format!("cannot read it: {error}"));
            let errors = vec![keiko_spec::SpecError::new(keiko_spec::SpecPath::root(), problem)];
            Err(SpecErrors { file: path.display().to_string(), errors })
        }
    }
}

/// Every generated file of the platform: Kubernetes, Terraform, the schema and the
/// policy report.
pub fn render_all(platform: &Platform) -> Result<Files, RenderError> {
    render_checked(platform).map(|(files, _)| files)
}

/// [`render_all`] together with the policy report written to `policy-report.md`, so
/// the caller can refuse to write output that fails an error-level rule.
pub fn render_checked(platform: &Platform) -> Result<(Files, Report), RenderError> {
    render_checked_with(platform, |_| ()).map(|(files, report, ())| (files, report))
}

/// [`render_checked`], running `meanwhile` on the rendered files (all but the policy
/// report) while the policy rules run on another thread: `generate` compares them with
/// the current tree in that time.
pub fn render_checked_with<R>(
    platform: &Platform,
    meanwhile: impl FnOnce(&Files) -> R,
) -> Result<(Files, Report, R), RenderError> {
    let (mut files, gathered) = assemble::render(platform)?;
    let (report, result) = cores::beside(|| policy::evaluate_gathered(platform.spec(), gathered), || meanwhile(&files));
    files.insert(POLICY_REPORT, report.markdown())?;
    Ok((files, report, result))
}

/// Where the policy report is written, relative to `generated/`.
pub const POLICY_REPORT: &str = "policy-report.md";
