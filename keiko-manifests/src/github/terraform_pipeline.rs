//! The Terraform pipeline of one environment: fmt, validate and plan on pull request (the
//! plan posted as a comment), apply on merge behind the environment's GitHub environment.
//!
//! An environment is two roots ([`EnvRoot`], ADR 0016). On a push the infrastructure root
//! is planned and applied first; the argocd root is planned only after that apply
//! succeeded (`needs`, and GitHub's implicit `success()`), so it always reads the state the
//! apply just wrote. On a pull request both are planned for review, the argocd root
//! against the infrastructure already applied.
//!
//! Environments follow the branches, so changes reach dev, staging and production in
//! that order, as the branches are merged.

use super::RUNNER;
use super::actions::SETUP_TERRAFORM;
use super::steps;
use super::workflow::{Access, BranchFilter, Concurrency, Job, Permissions, Step, Triggers, Vars, Workflow, vars};
use keiko_model::Platform;
use keiko_model::terraform_roots::EnvRoot;
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

/// The root module `root` of `env`, relative to the repository.
pub fn root_dir(env: Env, root: EnvRoot) -> String {
    format!("{TERRAFORM_DIR}/{}", root.dir(env))
}

/// The job that plans `root` on a pull request.
pub fn plan_job(root: EnvRoot) -> String {
    format!("plan-{}", root.name())
}

/// The job that plans and applies `root` on a push.
pub fn apply_job(root: EnvRoot) -> String {
    format!("apply-{}", root.name())
}

/// The GitHub environment of the plan job: read-only credentials, no reviewers.
pub fn plan_environment(env: Env) -> String {
    format!("{env}-plan")
}

/// A pull request's plan is never applied and its credentials only read state, so it takes
/// no lock (writing `<key>.tflock` needs write access); the apply job locks.
const PLAN_SCRIPT: &str = "set -euo pipefail
terraform plan -input=false -no-color -lock=false -out=plan.tfplan
terraform show -no-color plan.tfplan > plan.txt
";

const COMMENT_SCRIPT: &str = "set -euo pipefail
{
  echo \"#### Terraform plan for $TARGET_ENV ($TARGET_ROOT)\"
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
        format!("{TERRAFORM_DIR}/envs/{env}/**"),
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
        jobs: jobs(env),
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
        ("TF_IN_AUTOMATION", "true"),
    ]);
    // The S3 backend's own client: OVHcloud's S3 refuses the default checksums.
    credentials.extend(vars(keiko_model::object_storage::AWS_CHECKSUM_ENVIRONMENT));
    credentials
}

/// The jobs of `env`: per root a plan job and an apply job, each needing the same job of
/// the root before it.
fn jobs(env: Env) -> BTreeMap<String, Job> {
    let mut jobs = BTreeMap::new();
    let mut previous: Option<EnvRoot> = None;
    for root in EnvRoot::APPLY_ORDER {
        let after = |job: fn(EnvRoot) -> String| previous.map(job).into_iter().collect::<Vec<_>>();
        jobs.insert(plan_job(root), Job { needs: after(plan_job), ..plan(env, root) });
        jobs.insert(apply_job(root), Job { needs: after(apply_job), ..apply(env, root) });
        previous = Some(root);
    }
    jobs
}

fn setup(dir: &str) -> Vec<Step> {
    vec![
        steps::checkout(),
        SETUP_TERRAFORM
            .step("Set up Terraform", vars([("terraform_version", TERRAFORM_VERSION), ("terraform_wrapper", "false")])),
        Step::script("terraform init", "terraform init -input=false -no-color\n", BTreeMap::new()).in_dir(dir),
    ]
}

fn terraform_job(dir: &str, name: &str, event: &str, steps: Vec<Step>) -> Job {
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
        steps: [setup(dir), steps].concat(),
    }
}

fn plan(env: Env, root: EnvRoot) -> Job {
    let dir = root_dir(env, root);
    let comment_env = vars([
        ("GH_TOKEN", "${{ github.token }}"),
        ("PR_NUMBER", "${{ github.event.pull_request.number }}"),
        ("TARGET_ENV", env.name()),
        ("TARGET_ROOT", root.name()),
    ]);
    let steps = vec![
        Step::script("terraform fmt", "terraform fmt -check -recursive -diff\n", BTreeMap::new()).in_dir(TERRAFORM_DIR),
        Step::script("terraform validate", "terraform validate -no-color\n", BTreeMap::new()).in_dir(&dir),
        Step::script("terraform plan", PLAN_SCRIPT, BTreeMap::new()).in_dir(&dir),
        Step::script("Post the plan", COMMENT_SCRIPT, comment_env).in_dir(&dir),
    ];
    let permissions = Permissions { pull_requests: Some(Access::Write), ..Permissions::read_contents() };
    let job = terraform_job(&dir, &format!("Plan {env} {}", root.name()), "pull_request", steps);
    Job { permissions, environment: Some(plan_environment(env)), ..job }
}

fn apply(env: Env, root: EnvRoot) -> Job {
    let dir = root_dir(env, root);
    let steps = vec![Step::script("terraform apply", APPLY_SCRIPT, BTreeMap::new()).in_dir(&dir)];
    let job = terraform_job(&dir, &format!("Apply {env} {}", root.name()), "push", steps);
    Job { environment: Some(env.name().to_owned()), ..job }
}
