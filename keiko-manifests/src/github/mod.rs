//! The CI/CD layer: GitHub Actions workflows for every service and for Terraform, built
//! as typed [`Workflow`]s and written to `github/workflows/`.

pub mod actions;
pub mod service_pipeline;
pub mod steps;
pub mod terraform_pipeline;
pub mod workflow;

pub use workflow::Workflow;

use crate::output::{Files, RenderError, yaml_document};
use crate::spec::{Env, Spec};

/// The runner image of every job.
pub const RUNNER: &str = "ubuntu-24.04";
/// Where the workflows are written, relative to `generated/`.
pub const DIR: &str = "github/workflows";

/// The file name of a service's workflow, without directory.
pub fn workflow_file(service: &str) -> String {
    format!("{service}.yml")
}

/// The platform repository as `owner/name`, from `platform.repository`.
pub fn platform_repository<'a>(spec: &'a Spec, path: &str) -> Result<&'a str, RenderError> {
    let url = &spec.platform().repository;
    url.strip_prefix("https://github.com/").map(|rest| rest.trim_end_matches(".git")).ok_or_else(|| {
        RenderError::Unsupported {
            path: path.to_owned(),
            reason: format!("platform.repository must be https://github.com/<owner>/<name>, got {url}"),
        }
    })
}

/// A workflow as file contents: the header, the YAML, and each pinned action's version.
pub fn document(path: &str, workflow: &Workflow) -> Result<String, RenderError> {
    Ok(actions::annotate(&yaml_document(path, workflow)?))
}

/// The workflow file of `service`, or `None` when the spec has no such service.
pub fn service_workflow(spec: &Spec, service: &str) -> Result<Option<String>, RenderError> {
    if !spec.services().contains_key(service) {
        return Ok(None);
    }
    let path = format!("{DIR}/{}", workflow_file(service));
    document(&path, &service_pipeline::workflow(spec, service)?).map(Some)
}

/// Writes one workflow per service and one Terraform workflow per environment.
pub fn render(spec: &Spec, files: &mut Files) -> Result<(), RenderError> {
    for service in spec.services().keys() {
        let path = format!("{DIR}/{}", workflow_file(service));
        files.insert(path.clone(), document(&path, &service_pipeline::workflow(spec, service)?)?)?;
    }
    for env in Env::ALL {
        let path = format!("{DIR}/{}", terraform_pipeline::file_name(env));
        files.insert(path.clone(), document(&path, &terraform_pipeline::workflow(spec, env))?)?;
    }
    Ok(())
}
