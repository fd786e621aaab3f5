//! The per-service pipeline: test, build, scan and push the image tagged with the commit
//! SHA, then open the platform pull requests that deploy, promote or roll it back.
//!
//! Each environment's branch (develop, staging, main) gets its own jobs, selected by
//! `if:`, so the branch → environment mapping is written out from the spec.

use super::actions::{BUILD_PUSH, DOCKER_LOGIN, SBOM, SCAN, SETUP_BUILDX};
use super::steps::{self, PlatformChange};
use super::workflow::{
    BranchFilter, Concurrency, Input, InputKind, Job, Permissions, Step, Triggers, Workflow, WorkflowDispatch, vars,
};
use super::{RUNNER, workflow_file};
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_spec::Env;
use std::collections::BTreeMap;

/// The tag of every image: the full commit SHA.
pub const TAG: &str = "${{ github.sha }}";
/// The directory of a service in its monorepo.
pub fn service_dir(service: &str) -> String {
    format!("services/{service}")
}

/// The job that runs `env`'s tests before the image is built (none for production: its
/// smoke tests run after the deployment).
pub fn test_job_id(env: Env) -> Option<&'static str> {
    match env {
        Env::Dev => Some("lint-and-unit-tests"),
        Env::Staging => Some("integration-tests"),
        Env::Production => None,
    }
}

/// The job that opens the pull request deploying the pushed commit to `env`.
pub fn deploy_job_id(env: Env) -> String {
    format!("deploy-{env}")
}

/// The full image name for `service`: `<registry>/<repository>`.
pub fn image(platform: &Platform, service: &str) -> Option<String> {
    let repository = &platform.services().get(service)?.image.repository;
    Some(format!("{}/{repository}", platform.settings().registry))
}

/// The pipeline of `service`, which must be in the spec.
pub fn workflow(platform: &Platform, service: &str) -> Result<Workflow, RenderError> {
    let path = workflow_file(service);
    let image = image(platform, service).ok_or_else(|| RenderError::Unsupported {
        path: path.clone(),
        reason: format!("services.{service}: no such service"),
    })?;
    let repository = platform.github_repository();
    let mut jobs = BTreeMap::new();
    for env in Env::ALL {
        jobs.extend(env_jobs(platform, env, service, repository));
    }
    jobs.insert("build".to_owned(), build(platform, service, &image));
    jobs.insert("notify".to_owned(), notify(jobs.keys().cloned().collect()));
    Ok(Workflow {
        name: service.to_owned(),
        on: triggers(platform, service),
        permissions: Permissions::default(),
        concurrency: Concurrency { group: format!("{service}-${{{{ github.ref }}}}"), cancel_in_progress: false },
        env: vars([("SERVICE", service), ("IMAGE", &image)]),
        jobs,
    })
}

fn branches_of(platform: &Platform) -> Vec<String> {
    Env::ALL.iter().map(|env| platform.environments().get(*env).branch.clone()).collect()
}

fn triggers(platform: &Platform, service: &str) -> Triggers {
    let branches = branches_of(platform);
    let paths = vec![format!("{}/**", service_dir(service)), format!(".github/workflows/{}", workflow_file(service))];
    let environment = Input {
        description: "The environment to roll back".to_owned(),
        required: true,
        kind: InputKind::Choice,
        options: Env::ALL.iter().map(|env| env.name().to_owned()).collect(),
    };
    let tag = Input {
        description: "The previous image tag to restore (a full commit SHA; see git log -p -- keiko.yaml)".to_owned(),
        required: true,
        kind: InputKind::String,
        options: Vec::new(),
    };
    let inputs = BTreeMap::from([("environment".to_owned(), environment), ("tag".to_owned(), tag)]);
    // Pull requests into the environments' branches run the tests before anything merges;
    // they build, push and deploy nothing (those jobs run on push only), and run with the
    // read-only token GitHub gives pull requests.
    let pull_request = BranchFilter { branches: branches_of(platform), paths: paths.clone() };
    Triggers {
        push: Some(BranchFilter { branches, paths }),
        pull_request: Some(pull_request),
        workflow_dispatch: Some(WorkflowDispatch { inputs }),
    }
}

fn on_branch(branch: &str) -> String {
    format!("github.event_name == 'push' && github.ref == 'refs/heads/{branch}'")
}

/// A job that runs on `condition` once what it `needs` has succeeded. GitHub prepends
/// `success()` to a condition without a status function, and `success()` is false as
/// soon as any ancestor, not only a direct one, was skipped (actions/runner#2205): with a
/// test job per branch, that would skip every deploy on every branch. So such a job
/// states its needs' results instead, which only its direct needs decide.
fn job(name: &str, condition: String, needs: Vec<String>, steps: Vec<Step>) -> Job {
    let has_status = ["success()", "failure()", "cancelled()", "always()"].iter().any(|f| condition.contains(f));
    let condition = if needs.is_empty() || has_status {
        condition
    } else {
        let succeeded: Vec<String> = needs.iter().map(|need| format!("needs.{need}.result == 'success'")).collect();
        format!("{condition} && !cancelled() && {}", succeeded.join(" && "))
    };
    Job {
        name: name.to_owned(),
        runs_on: RUNNER.to_owned(),
        needs,
        condition: Some(condition),
        permissions: Permissions::read_contents(),
        environment: None,
        concurrency: None,
        timeout_minutes: 30,
        env: BTreeMap::new(),
        steps,
    }
}

/// The test, deploy, promote and rollback jobs of one environment.
fn env_jobs(platform: &Platform, env: Env, service: &str, repository: &str) -> BTreeMap<String, Job> {
    let branch = &platform.environments().get(env).branch;
    let mut jobs = BTreeMap::new();
    if let Some((id, job)) = test_job(env, service, branch) {
        jobs.insert(id.to_owned(), job);
    }
    let change = PlatformChange { repository, branch, env: env.name(), service, tag: TAG, reason: "deploy" };
    jobs.insert(deploy_job_id(env), deploy(env, &change, on_branch(branch), vec!["build".to_owned()]));
    match env.next() {
        Some(next) => {
            let next_branch = &platform.environments().get(next).branch;
            let change = PlatformChange { branch: next_branch, env: next.name(), reason: "promote", ..change };
            let mut needs = vec![deploy_job_id(env)];
            needs.extend(test_job_id(env).map(str::to_owned));
            jobs.insert(format!("promote-to-{next}"), deploy(next, &change, on_branch(branch), needs));
        }
        None => {
            let smoke = make_step("Smoke tests", "smoke-test", service);
            let smoke = job("Smoke tests", on_branch(branch), vec![deploy_job_id(env)], vec![steps::checkout(), smoke]);
            jobs.insert("smoke-tests".to_owned(), smoke);
        }
    }
    let rollback_if = format!("github.event_name == 'workflow_dispatch' && inputs.environment == '{env}'");
    let change = PlatformChange { tag: "${{ inputs.tag }}", reason: "roll back", ..change };
    jobs.insert(format!("rollback-{env}"), deploy(env, &change, rollback_if, Vec::new()));
    jobs
}

fn test_job(env: Env, service: &str, branch: &str) -> Option<(&'static str, Job)> {
    let id = test_job_id(env)?;
    let (name, targets) = match env {
        Env::Dev => ("Lint and unit tests", "lint test"),
        _ => ("Integration tests", "integration-test"),
    };
    let steps = vec![steps::checkout(), make_step(name, targets, service)];
    // On a pull request: lint and unit tests for every one, integration tests for those
    // into the branch whose push runs them.
    let on_pull_request = match env {
        Env::Dev => "github.event_name == 'pull_request'".to_owned(),
        _ => format!("github.event_name == 'pull_request' && github.base_ref == '{branch}'"),
    };
    Some((id, job(name, format!("({}) || ({on_pull_request})", on_branch(branch)), Vec::new(), steps)))
}

/// `make <targets>` in the service's directory (the contract with service repositories).
fn make_step(name: &str, targets: &str, service: &str) -> Step {
    Step::script(name, &format!("make {targets}\n"), BTreeMap::new()).in_dir(&service_dir(service))
}

/// A job that opens a platform pull request for `change.env`, behind its GitHub environment.
fn deploy(env: Env, change: &PlatformChange, condition: String, needs: Vec<String>) -> Job {
    let title = format!("{} to {env}", capitalized(change.reason));
    Job {
        permissions: Permissions::default(),
        environment: Some(env.name().to_owned()),
        concurrency: Some(Concurrency {
            group: format!("platform-{}-{env}", change.service),
            cancel_in_progress: false,
        }),
        ..job(&title, condition, needs, steps::platform_pull_request(change))
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Builds with Buildx (registry layer cache), pushes `<image>:<sha>`, writes the SBOM and
/// fails on high or critical vulnerabilities.
fn build(platform: &Platform, service: &str, image: &str) -> Job {
    let host = platform.settings().registry.split('/').next().unwrap_or_default();
    let reference = format!("{image}:{TAG}");
    let cache = format!("type=registry,ref={image}:buildcache");
    let steps = vec![
        steps::checkout(),
        SETUP_BUILDX.step("Set up Buildx", BTreeMap::new()),
        DOCKER_LOGIN.step(
            "Log in to the registry",
            vars([
                ("registry", host),
                ("username", "${{ secrets.OVH_REGISTRY_USERNAME }}"),
                ("password", "${{ secrets.OVH_REGISTRY_PASSWORD }}"),
            ]),
        ),
        BUILD_PUSH.step(
            "Build and push",
            vars([
                ("context", &service_dir(service)),
                ("push", "true"),
                ("tags", &reference),
                ("cache-from", &cache),
                ("cache-to", &format!("{cache},mode=max")),
            ]),
        ),
        SBOM.step("SBOM", vars([("image", &reference), ("format", "spdx-json"), ("upload-release-assets", "false")])),
        SCAN.step(
            "Vulnerability scan",
            vars([
                ("image", &reference),
                ("fail-build", "true"),
                ("severity-cutoff", "high"),
                ("output-format", "table"),
            ]),
        ),
    ];
    let condition = "github.event_name == 'push' && !cancelled() && !failure()".to_owned();
    let needs = Env::ALL.into_iter().filter_map(test_job_id).map(str::to_owned).collect();
    job("Build, scan and push the image", condition, needs, steps)
}

fn notify(needs: Vec<String>) -> Job {
    Job {
        permissions: Permissions::default(),
        timeout_minutes: 5,
        // A pull request's failing tests are reported on the pull request itself.
        ..job(
            "Notify on failure",
            "failure() && github.event_name != 'pull_request'".to_owned(),
            needs,
            vec![steps::notify()],
        )
    }
}
