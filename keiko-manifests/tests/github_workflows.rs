//! The generated GitHub Actions workflows: snapshots on the small fixture spec, and the
//! promises every service's pipeline keeps (branch → environment, SHA tags, registry path,
//! a set-image step naming a real service and environment, parse-back).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, snapshot};

use keiko_manifests::Files;
use keiko_manifests::github::service_pipeline::{TAG, deploy_job_id, image, workflow};
use keiko_manifests::github::steps::SET_IMAGE_STEP;
use keiko_manifests::github::workflow::{Job, Step, Workflow};
use keiko_manifests::github::{self, DIR, Pipeline, actions, terraform_pipeline};
use keiko_manifests::output::HEADER;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::security::PIPELINES;

fn step<'a>(job: &'a Job, name: &str) -> &'a Step {
    job.steps.iter().find(|step| step.name == name).unwrap_or_else(|| panic!("{}: no step {name}", job.name))
}

#[test]
fn service_workflow_snapshot() {
    let text = github::service_workflow(&fixture(), "learning-service").unwrap().unwrap();
    snapshot("gh_service_workflow", &text);
}

#[test]
fn terraform_workflow_snapshot() {
    let platform = fixture();
    let workflow = terraform_pipeline::workflow(&platform, Env::Production);
    let text = github::document(&platform, Pipeline::Terraform, "snapshot", &workflow).unwrap();
    snapshot("gh_terraform_production", &text);
}

#[test]
fn every_service_deploys_its_sha_from_each_branch_to_that_branchs_environment() {
    let platform = fixture();
    for (service, definition) in platform.services() {
        let pipeline = workflow(&platform, service).unwrap();
        let expected_image = format!("{}/{}", platform.settings().registry, definition.image.repository);
        assert_eq!(image(&platform, service).as_deref(), Some(expected_image.as_str()));
        let build = &pipeline.jobs["build"];
        assert_eq!(step(build, "Build and push").with["tags"], format!("{expected_image}:{TAG}"), "{service}");
        assert_eq!(TAG, "${{ github.sha }}");
        for env in Env::ALL {
            let branch = &platform.environments().get(env).branch;
            let push = pipeline.on.push.as_ref().unwrap();
            assert!(push.branches.contains(branch), "{service}: {branch} does not trigger");
            let deploy = &pipeline.jobs[&deploy_job_id(env)];
            let condition = deploy.condition.as_deref().unwrap();
            assert!(condition.contains(&format!("github.ref == 'refs/heads/{branch}' ")), "{service}: {condition}");
            // Its own need decides, not a test job of another branch (tests/job_graph.rs).
            assert!(condition.ends_with("!cancelled() && needs.build.result == 'success'"), "{service}: {condition}");
            assert_eq!(deploy.environment.as_deref(), Some(env.name()));
            let set_image = step(deploy, SET_IMAGE_STEP);
            assert_eq!(set_image.env["TAG"], TAG);
            assert_eq!(Env::parse(&set_image.env["TARGET_ENV"]), Some(env), "{service}");
            assert!(platform.services().contains_key(&set_image.env["SERVICE"]), "{service}");
            assert_eq!(set_image.env["SERVICE"], *service);
        }
    }
}

#[test]
fn promotion_targets_the_next_environment_only_after_this_stage_passed() {
    let platform = fixture();
    let pipeline = workflow(&platform, "learning-service").unwrap();
    for env in Env::ALL {
        let Some(next) = env.next() else { continue };
        let promote = &pipeline.jobs[&format!("promote-to-{next}")];
        assert!(promote.needs.contains(&deploy_job_id(env)));
        let set_image = step(promote, SET_IMAGE_STEP);
        assert_eq!(set_image.env["TARGET_ENV"], next.name());
        let checkout = &promote.steps[0];
        assert_eq!(checkout.with["ref"], platform.environments().get(next).branch);
    }
}

#[test]
fn scripts_never_interpolate_expressions_and_actions_are_pinned() {
    let platform = fixture();
    let mut workflows: Vec<Workflow> = platform.services().keys().map(|s| workflow(&platform, s).unwrap()).collect();
    workflows.extend(Env::ALL.map(|env| terraform_pipeline::workflow(&platform, env)));
    for pipeline in &workflows {
        for (id, job) in &pipeline.jobs {
            assert!(!job.runs_on.is_empty(), "{id}");
            for step in &job.steps {
                assert!(!step.run.as_deref().unwrap_or_default().contains("${{"), "{}: {}", pipeline.name, step.name);
                if let Some(uses) = &step.uses {
                    let pinned = actions::ALL.iter().any(|action| *uses == action.uses() && action.sha.len() == 40);
                    assert!(pinned, "{uses} is not a pinned action");
                }
            }
        }
    }
}

#[test]
fn every_workflow_parses_back_into_the_same_typed_workflow() {
    let platform = fixture();
    let mut files = Files::new();
    github::render(&platform, &mut files).unwrap();
    let workflows: Vec<_> = files.iter().collect();
    assert_eq!(workflows.len(), platform.services().len() + Env::ALL.len());
    assert!(workflows.iter().all(|(path, _)| path.starts_with(DIR)));
    for (path, text) in workflows {
        let parsed: Workflow = serde_saphyr::from_str(text).unwrap_or_else(|error| panic!("{path}: {error}"));
        let pipeline = if parsed.name.starts_with("terraform-") { Pipeline::Terraform } else { Pipeline::Service };
        assert_eq!(github::document(&platform, pipeline, path, &parsed).unwrap(), text, "{path}");
    }
}

#[test]
fn workflow_exemptions_become_checkov_skip_comments_in_the_pipelines_they_name() {
    assert_eq!(Pipeline::ALL.map(Pipeline::name), PIPELINES);
    let text = include_str!("fixtures/small.yaml").replace(
        "  exemptions: []\n",
        "  exemptions:\n    - check: CKV_GHA_7\n      framework: github_actions\n      kinds: [service]\n      reason: |\n        rollback\n        only\n",
    );
    let platform = Platform::new(keiko_spec::load("small.yaml", &text).unwrap_or_else(|errors| panic!("{errors}")));
    let service = github::service_workflow(&platform, "learning-service").unwrap().unwrap();
    let expected = format!("{HEADER}name: learning-service\n# checkov:skip=CKV_GHA_7:rollback only\n\"on\":\n");
    assert!(service.starts_with(&expected), "{service}");
    let mut files = Files::new();
    github::render(&platform, &mut files).unwrap();
    for (path, text) in files.iter() {
        let terraform = path.contains("/terraform-");
        assert_eq!(text.contains("checkov:skip"), !terraform, "{path}");
    }
    let kubernetes = keiko_manifests::components::components(&platform, Env::Dev).unwrap();
    let annotated = kubernetes.iter().flat_map(|c| &c.objects).filter(|o| o.value.to_string().contains("CKV_GHA_7"));
    assert_eq!(annotated.count(), 0, "workflow exemptions are not written on Kubernetes objects");
}

#[test]
fn an_unknown_service_has_no_workflow() {
    assert_eq!(github::service_workflow(&fixture(), "no-such-service").unwrap(), None);
}

#[test]
fn a_platform_repository_outside_github_is_refused_naming_the_field() {
    // A spec error, located, before anything renders: the pipelines open pull requests there.
    let text = include_str!("fixtures/small.yaml")
        .replace("https://github.com/keikolatam/keiko-platform", "https://git.example.org/keikolatam/keiko-platform");
    let errors = keiko_spec::load("small.yaml", &text).unwrap_err();
    assert_eq!(errors.errors.len(), 1, "{errors}");
    assert_eq!(errors.errors[0].path.to_string(), "platform.repository");
    assert!(errors.errors[0].location.is_some(), "{errors}");
    assert!(errors.to_string().contains("must be https://github.com/<owner>/<name>"), "{errors}");
}

/// Seed requirement 5.3: an image update modifies the environment's manifests on its own.
/// Every delivery job (deploy, promote, rollback) opens its pull request with auto-merge,
/// squashed, so it lands once the platform's required checks pass and never before.
#[test]
fn every_delivery_pull_request_merges_itself_once_the_checks_pass() {
    let platform = fixture();
    for service in platform.services().keys() {
        let pipeline = workflow(&platform, service).unwrap();
        let deliveries: Vec<&Job> = pipeline
            .jobs
            .iter()
            .filter(|(id, _)| ["deploy-", "promote-", "rollback-"].iter().any(|p| id.starts_with(p)))
            .map(|(_, job)| job)
            .collect();
        assert!(deliveries.len() >= 5, "{service}: {} delivery jobs", deliveries.len());
        for job in deliveries {
            let open = step(job, "Open the pull request");
            let script = open.run.as_deref().unwrap();
            let create = script.find("gh pr create").unwrap_or_else(|| panic!("{}: no pull request", job.name));
            let merge = script
                .find("gh pr merge")
                .unwrap_or_else(|| panic!("{}: the pull request waits for a person", job.name));
            assert!(create < merge, "{}", job.name);
            let line = script[merge..].lines().next().unwrap();
            assert!(line.contains("--auto") && line.contains("--squash"), "{}: {line}", job.name);
        }
    }
}
