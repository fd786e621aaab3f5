//! The CI/CD layer: GitHub Actions workflows for every service and for Terraform, built
//! as typed [`Workflow`]s and written to `github/workflows/`.

pub mod actions;
pub mod service_pipeline;
pub mod steps;
pub mod terraform_pipeline;
pub mod workflow;

pub use workflow::Workflow;

use crate::output::{Files, RenderError, yaml_document};
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::security::Framework;

/// The runner image of every job.
pub const RUNNER: &str = "ubuntu-24.04";
/// Where the workflows are written, relative to `generated/`.
pub const DIR: &str = "github/workflows";

/// The file name of a service's workflow, without directory.
pub fn workflow_file(service: &str) -> String {
    format!("{service}.yml")
}

/// The two kinds of generated workflow; `github_actions` exemptions name them in `kinds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipeline {
    /// A service's build, test, deploy, promote and rollback pipeline.
    Service,
    /// An environment's Terraform plan and apply pipeline.
    Terraform,
}

impl Pipeline {
    /// Every pipeline kind.
    pub const ALL: [Pipeline; 2] = [Pipeline::Service, Pipeline::Terraform];

    /// The name `security.exemptions[].kinds` uses.
    pub fn name(self) -> &'static str {
        match self {
            Pipeline::Service => "service",
            Pipeline::Terraform => "terraform",
        }
    }
}

/// Where skip comments go: above the triggers, inside the workflow document, because
/// checkov honours a skip only within the lines of the entity it checks.
const TRIGGERS: &str = "\n\"on\":\n";

/// A workflow as file contents: the header, the YAML with a `# checkov:skip=ID:reason`
/// line above `on:` for each `github_actions` exemption of the spec that covers
/// `pipeline`, and each pinned action's version.
pub fn document(
    platform: &Platform,
    pipeline: Pipeline,
    path: &str,
    workflow: &Workflow,
) -> Result<String, RenderError> {
    let text = actions::annotate(&yaml_document(path, workflow)?);
    let mut skips = String::new();
    for exemption in platform.security().exemptions.iter().filter(|e| e.framework == Framework::GithubActions) {
        if exemption.kinds.is_empty() || exemption.kinds.iter().any(|k| k == pipeline.name()) {
            let reason = exemption.reason.split_whitespace().collect::<Vec<_>>().join(" ");
            skips.push_str(&format!("# checkov:skip={}:{reason}\n", exemption.check));
        }
    }
    Ok(text.replacen(TRIGGERS, &format!("\n{skips}\"on\":\n"), 1))
}

/// The workflow file of `service`, or `None` when the spec has no such service.
pub fn service_workflow(platform: &Platform, service: &str) -> Result<Option<String>, RenderError> {
    if !platform.services().contains_key(service) {
        return Ok(None);
    }
    let path = format!("{DIR}/{}", workflow_file(service));
    document(platform, Pipeline::Service, &path, &service_pipeline::workflow(platform, service)?).map(Some)
}

/// Writes one workflow per service and one Terraform workflow per environment.
pub fn render(platform: &Platform, files: &mut Files) -> Result<(), RenderError> {
    for service in platform.services().keys() {
        let path = format!("{DIR}/{}", workflow_file(service));
        let workflow = service_pipeline::workflow(platform, service)?;
        files.insert(path.clone(), document(platform, Pipeline::Service, &path, &workflow)?)?;
    }
    for (name, text) in terraform_workflows(platform)? {
        files.insert(format!("{DIR}/{name}"), text)?;
    }
    Ok(())
}

/// The Terraform workflow of every environment, by file name, as rendered text: the same
/// bytes in `generated/github/workflows` and, installed, in `.github/workflows`.
pub fn terraform_workflows(platform: &Platform) -> Result<Vec<(String, String)>, RenderError> {
    let mut out = Vec::new();
    for env in Env::ALL {
        let name = terraform_pipeline::file_name(env);
        let path = format!("{DIR}/{name}");
        let workflow = terraform_pipeline::workflow(platform, env);
        out.push((name, document(platform, Pipeline::Terraform, &path, &workflow)?));
    }
    Ok(out)
}
