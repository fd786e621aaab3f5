//! The Terraform pipeline of one environment: fmt, validate and plan on pull request (the
//! plan posted as a comment), apply on merge behind the environment's GitHub environment.
//!
//! Environments follow the branches, so changes reach dev, staging and production in
//! that order, as the branches are merged.

use super::RUNNER;
use super::actions::SETUP_TERRAFORM;
use super::steps;
use super::workflow::{Access, BranchFilter, Concurrency, Job, Permissions, Step, Triggers, Vars, Workflow, vars};
use keiko_model::Platform;
use keiko_spec::Env;
use std::collections::BTreeMap;

/// The Terraform release the workflows install (the one `versions.tf` requires).
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// The generated Terraform tree, checked by `terraform fmt` as a whole.
pub const TERRAFORM_DIR: &str = "generated/terraform";

/// The workflow's file name for `env`, without directory.
pub fn file_name(env: Env) -> String {
    format!("terraform-{env}.yml")
}

/// The root module of `env`, relative to the repository.
pub fn root_dir(env: Env) -> String {
    format!("generated/terraform/envs/{env}")
}

/// The GitHub environment of the plan job: read-only credentials, no reviewers.
pub fn plan_environment(env: Env) -> String {
    format!("{env}-plan")
}

const PLAN_SCRIPT: &str = "set -euo pipefail
terraform plan -input=false -no-color -lock-timeout=5m -out=plan.tfplan
terraform show -no-color plan.tfplan > plan.txt
";

const COMMENT_SCRIPT: &str = "set -euo pipefail
{
  echo \"#### Terraform plan for $TARGET_ENV\"
  echo '```'
  head --bytes=60000 plan.txt
  echo '```'
} > comment.md
gh pr comment \"$PR_NUMBER\" --repo \"$GITHUB_REPOSITORY\" --body-file comment.md
";

const APPLY_SCRIPT: &str = "set -euo pipefail
terraform plan -input=false -no-color -lock-timeout=5m -out=plan.tfplan
terraform apply -input=false -no-color -lock-timeout=5m plan.tfplan
";

/// The Terraform workflow of `env`.
pub fn workflow(platform: &Platform, env: Env) -> Workflow {
    let branch = platform.environments().get(env).branch.clone();
    let paths = vec![
        format!("{}/**", root_dir(env)),
        "generated/terraform/modules/**".to_owned(),
        format!(".github/workflows/{}", file_name(env)),
    ];
    let filter = BranchFilter { branches: vec![branch], paths };
    Workflow {
        name: format!("terraform-{env}"),
        on: Triggers { push: Some(filter.clone()), pull_request: Some(filter), workflow_dispatch: None },
        permissions: Permissions::default(),
        concurrency: Concurrency { group: format!("terraform-{env}"), cancel_in_progress: false },
        env: BTreeMap::new(),
        jobs: BTreeMap::from([("plan".to_owned(), plan(env)), ("apply".to_owned(), apply(env))]),
    }
}

/// The provider and state credentials, from the GitHub environment's secrets.
fn credentials() -> Vars {
    let mut credentials = vars([
        ("OVH_CLIENT_ID", "${{ secrets.OVH_CLIENT_ID }}"),
        ("OVH_CLIENT_SECRET", "${{ secrets.OVH_CLIENT_SECRET }}"),
        ("OVH_CLOUD_PROJECT_SERVICE", "${{ secrets.OVH_CLOUD_PROJECT_SERVICE }}"),
        ("AWS_ACCESS_KEY_ID", "${{ secrets.STATE_ACCESS_KEY_ID }}"),
        ("AWS_SECRET_ACCESS_KEY", "${{ secrets.STATE_SECRET_ACCESS_KEY }}"),
        ("TF_VAR_database_allowed_cidrs", "${{ vars.DATABASE_ALLOWED_CIDRS }}"),
        ("TF_IN_AUTOMATION", "true"),
    ]);
    // The S3 backend's own client: OVHcloud's S3 refuses the default checksums.
    credentials.extend(vars(keiko_model::object_storage::AWS_CHECKSUM_ENVIRONMENT));
    credentials
}

fn setup(env: Env) -> Vec<Step> {
    let dir = root_dir(env);
    vec![
        steps::checkout(),
        SETUP_TERRAFORM
            .step("Set up Terraform", vars([("terraform_version", TERRAFORM_VERSION), ("terraform_wrapper", "false")])),
        Step::script("terraform init", "terraform init -input=false -no-color\n", BTreeMap::new()).in_dir(&dir),
    ]
}

fn terraform_job(env: Env, name: &str, event: &str, steps: Vec<Step>) -> Job {
    Job {
        name: name.to_owned(),
        runs_on: RUNNER.to_owned(),
        needs: Vec::new(),
        condition: Some(format!("github.event_name == '{event}'")),
        permissions: Permissions::read_contents(),
        environment: None,
        concurrency: None,
        timeout_minutes: 60,
        env: credentials(),
        steps: [setup(env), steps].concat(),
    }
}

fn plan(env: Env) -> Job {
    let dir = root_dir(env);
    let comment_env = vars([
        ("GH_TOKEN", "${{ github.token }}"),
        ("PR_NUMBER", "${{ github.event.pull_request.number }}"),
        ("TARGET_ENV", env.name()),
    ]);
    let steps = vec![
        Step::script("terraform fmt", "terraform fmt -check -recursive -diff\n", BTreeMap::new()).in_dir(TERRAFORM_DIR),
        Step::script("terraform validate", "terraform validate -no-color\n", BTreeMap::new()).in_dir(&dir),
        Step::script("terraform plan", PLAN_SCRIPT, BTreeMap::new()).in_dir(&dir),
        Step::script("Post the plan", COMMENT_SCRIPT, comment_env).in_dir(&dir),
    ];
    let permissions = Permissions { pull_requests: Some(Access::Write), ..Permissions::read_contents() };
    let job = terraform_job(env, &format!("Plan {env}"), "pull_request", steps);
    Job { permissions, environment: Some(plan_environment(env)), ..job }
}

fn apply(env: Env) -> Job {
    let steps = vec![Step::script("terraform apply", APPLY_SCRIPT, BTreeMap::new()).in_dir(&root_dir(env))];
    let job = terraform_job(env, &format!("Apply {env}"), "push", steps);
    Job { environment: Some(env.name().to_owned()), ..job }
}
