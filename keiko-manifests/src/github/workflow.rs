//! The GitHub Actions workflow file as typed structs: what the builders fill in and what
//! a workflow file parses back into.
//!
//! Only the parts of the syntax the platform's workflows use are modelled; unknown
//! fields are refused when parsing, so a round trip proves nothing was lost.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Environment variables or action inputs, in sorted order.
pub type Vars = BTreeMap<String, String>;

/// One workflow file (`.github/workflows/<name>.yml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// The name shown in the Actions tab.
    pub name: String,
    /// The events that start the workflow.
    pub on: Triggers,
    /// The `GITHUB_TOKEN` permissions every job starts from: none, jobs ask for theirs.
    pub permissions: Permissions,
    /// Runs in the same group wait for each other.
    pub concurrency: Concurrency,
    /// Variables every job sees.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: Vars,
    /// The jobs by id; GitHub orders them by `needs`, not by position.
    pub jobs: BTreeMap<String, Job>,
}

/// The `on:` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    /// Pushes to some branches touching some paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<BranchFilter>,
    /// Pull requests into some branches touching some paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<BranchFilter>,
    /// A manual run from the Actions tab or the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_dispatch: Option<WorkflowDispatch>,
}

/// Which branches and paths an event must touch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchFilter {
    /// Branch names.
    pub branches: Vec<String>,
    /// Path globs; the event must touch at least one.
    pub paths: Vec<String>,
}

/// The inputs of a manual run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDispatch {
    /// Inputs by name.
    pub inputs: BTreeMap<String, Input>,
}

/// One input of a manual run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// What to enter.
    pub description: String,
    /// Whether the run form insists on a value.
    pub required: bool,
    /// The kind of value.
    #[serde(rename = "type")]
    pub kind: InputKind,
    /// The allowed values of a `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// The kinds of manual-run input the workflows use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Free text.
    String,
    /// One of `options`.
    Choice,
}

/// A `concurrency:` group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Concurrency {
    /// Runs with the same group run one at a time.
    pub group: String,
    /// Whether a new run cancels the one in progress (never for deployments).
    pub cancel_in_progress: bool,
}

/// What a `GITHUB_TOKEN` scope allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read only.
    Read,
    /// Read and write.
    Write,
}

/// `permissions:`; an absent scope is `none`, so the default is `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Permissions {
    /// Repository contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<Access>,
    /// Pull requests and their comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_requests: Option<Access>,
}

impl Permissions {
    /// `contents: read`, enough to check out the repository.
    pub fn read_contents() -> Permissions {
        Permissions { contents: Some(Access::Read), ..Permissions::default() }
    }
}

/// A job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Job {
    /// The name shown in the run.
    pub name: String,
    /// The runner image.
    pub runs_on: String,
    /// Jobs that must finish first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// When the job runs (an expression).
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The job's `GITHUB_TOKEN` permissions.
    pub permissions: Permissions,
    /// The GitHub environment whose protection rules and secrets apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Serializes this job across runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// The job is cancelled after this long.
    pub timeout_minutes: u32,
    /// Variables every step of the job sees.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: Vars,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// A step: either an action (`uses`) or a shell script (`run`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Step {
    /// What the step does.
    pub name: String,
    /// An id for `steps.<id>.outputs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A pinned action, `owner/repo@<sha>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// The action's inputs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub with: Vars,
    /// Variables for this step: the only way untrusted values reach a script.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: Vars,
    /// Where the script runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<String>,
    /// The script; never contains `${{ }}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

impl Step {
    /// A shell step running `script` with `env`.
    pub fn script(name: &str, script: &str, env: Vars) -> Step {
        Step { name: name.to_owned(), run: Some(script.to_owned()), env, ..Step::default() }
    }

    /// The same step, run in `dir`.
    pub fn in_dir(self, dir: &str) -> Step {
        Step { working_directory: Some(dir.to_owned()), ..self }
    }
}

/// Builds [`Vars`] from pairs.
pub fn vars<const N: usize>(pairs: [(&str, &str); N]) -> Vars {
    pairs.into_iter().map(|(key, value)| (key.to_owned(), value.to_owned())).collect()
}
