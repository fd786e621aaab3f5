//! The delivery contract of every generated service pipeline, evaluated with GitHub's
//! job-selection rules (`keiko_policy::job_graph`): a push to an environment's branch
//! deploys that environment and nothing else, promotion follows a successful deploy, a
//! failure stops promotion and notifies, a manual rollback restores the one environment
//! it names, and a pull request deploys nothing. The repository's own workflows are
//! read too: every condition in them must be one GitHub can evaluate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_policy::job_graph::{Event, Outcome, run};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn workflows(dir: &str) -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_saphyr::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn service_pipelines() -> Vec<(String, Value)> {
    workflows("generated/github/workflows").into_iter().filter(|(_, w)| w["jobs"].get("deploy-dev").is_some()).collect()
}

/// The jobs that ran.
fn ran(outcomes: &BTreeMap<String, Outcome>) -> Vec<&str> {
    outcomes.iter().filter(|(_, o)| **o != Outcome::Skipped).map(|(name, _)| name.as_str()).collect()
}

fn branch(env: &str) -> &str {
    match env {
        "dev" => "develop",
        "staging" => "staging",
        _ => "main",
    }
}

/// Every delivery job (deploy, promotion, smoke tests, rollback) that ran.
fn deliveries(outcomes: &BTreeMap<String, Outcome>) -> Vec<&str> {
    let delivery = |name: &&str| ["deploy-", "promote-", "rollback-", "smoke-"].iter().any(|p| name.starts_with(p));
    ran(outcomes).into_iter().filter(delivery).collect()
}

#[test]
fn a_push_deploys_its_environment_and_promotes_to_the_next() {
    let pipelines = service_pipelines();
    assert_eq!(pipelines.len(), 7);
    for (file, workflow) in &pipelines {
        for (env, expected) in [
            ("dev", vec!["deploy-dev", "promote-to-staging"]),
            ("staging", vec!["deploy-staging", "promote-to-production"]),
            ("production", vec!["deploy-production", "smoke-tests"]),
        ] {
            let outcomes = run(workflow, &Event::Push(branch(env).to_owned()), &[]).unwrap();
            assert_eq!(deliveries(&outcomes), expected, "{file}: a push to {}: {outcomes:?}", branch(env));
            assert!(outcomes.values().all(|o| *o != Outcome::Failure));
            assert_eq!(outcomes["build"], Outcome::Success, "{file}: {env} builds");
            assert_eq!(outcomes["notify"], Outcome::Skipped, "{file}: nothing to notify");
        }
    }
}

#[test]
fn a_failed_build_or_deploy_stops_promotion_and_notifies() {
    for (file, workflow) in &service_pipelines() {
        for failing in ["build", "deploy-dev"] {
            let outcomes = run(workflow, &Event::Push("develop".to_owned()), &[failing]).unwrap();
            assert_eq!(outcomes["promote-to-staging"], Outcome::Skipped, "{file}: {failing} failed: {outcomes:?}");
            assert_eq!(outcomes["notify"], Outcome::Success, "{file}: {failing} failed");
        }
        let outcomes = run(workflow, &Event::Push("main".to_owned()), &["deploy-production"]).unwrap();
        assert_eq!(outcomes["smoke-tests"], Outcome::Skipped, "{file}");
        assert_eq!(outcomes["notify"], Outcome::Success, "{file}");
    }
}

#[test]
fn a_rollback_restores_the_environment_it_names_and_nothing_else() {
    for (file, workflow) in &service_pipelines() {
        for env in ["dev", "staging", "production"] {
            let inputs = BTreeMap::from([
                ("environment".to_owned(), env.to_owned()),
                ("tag".to_owned(), "0123456789abcdef0123456789abcdef01234567".to_owned()),
            ]);
            let outcomes = run(workflow, &Event::Dispatch(inputs), &[]).unwrap();
            assert_eq!(deliveries(&outcomes), [format!("rollback-{env}")], "{file}: {outcomes:?}");
        }
    }
}

#[test]
fn a_pull_request_runs_the_tests_and_builds_and_deploys_nothing() {
    for (file, workflow) in &service_pipelines() {
        for base in ["develop", "staging", "main"] {
            let outcomes = run(workflow, &Event::PullRequest(base.to_owned()), &[]).unwrap();
            assert!(deliveries(&outcomes).is_empty(), "{file}: a pull request into {base}: {outcomes:?}");
            assert_eq!(outcomes["build"], Outcome::Skipped, "{file}: no image is pushed for a pull request");
            assert_eq!(outcomes["lint-and-unit-tests"], Outcome::Success, "{file}: into {base}");
            let integration = if base == "staging" { Outcome::Success } else { Outcome::Skipped };
            assert_eq!(outcomes["integration-tests"], integration, "{file}: into {base}");
            let failed = run(workflow, &Event::PullRequest(base.to_owned()), &["lint-and-unit-tests"]).unwrap();
            assert_eq!(failed["notify"], Outcome::Skipped, "{file}: a pull request reports its own failures");
        }
    }
}

#[test]
fn every_condition_of_every_workflow_can_be_evaluated() {
    let mut all = workflows("generated/github/workflows");
    all.extend(workflows(".github/workflows"));
    assert!(all.len() >= 9);
    for (file, workflow) in &all {
        for event in
            [Event::Push("main".to_owned()), Event::Push("develop".to_owned()), Event::PullRequest("main".to_owned())]
        {
            run(workflow, &event, &[]).unwrap_or_else(|error| panic!("{file}: {error}"));
        }
    }
}

/// The defect this simulation was written for, planted back: a deploy whose `if` has no
/// status function is skipped whenever a test job of another branch was skipped.
#[test]
fn a_deploy_condition_without_a_status_function_is_skipped() {
    let (file, mut workflow) = service_pipelines().remove(0);
    workflow["jobs"]["deploy-dev"]["if"] =
        Value::from("github.event_name == 'push' && github.ref == 'refs/heads/develop'");
    let outcomes = run(&workflow, &Event::Push("develop".to_owned()), &[]).unwrap();
    assert_eq!(outcomes["deploy-dev"], Outcome::Skipped, "{file}");
    assert_eq!(outcomes["promote-to-staging"], Outcome::Skipped, "{file}");
}

/// The Terraform pipelines, with the root each job runs in (the working directory of its
/// last step).
fn terraform_pipelines() -> Vec<(String, Value)> {
    workflows("generated/github/workflows").into_iter().filter(|(f, _)| f.starts_with("terraform-")).collect()
}

fn root_of(workflow: &Value, job: &str) -> String {
    let steps = workflow["jobs"][job]["steps"].as_array().unwrap();
    steps.last().unwrap()["working-directory"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

/// The order in which a push runs the apply jobs: each job after the jobs it needs.
fn apply_order(workflow: &Value, outcomes: &BTreeMap<String, Outcome>) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut pending: Vec<&String> = outcomes.keys().filter(|j| outcomes[*j] != Outcome::Skipped).collect();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|job| {
                let needs = workflow["jobs"][job.as_str()]["needs"].as_array().cloned().unwrap_or_default();
                needs.iter().all(|n| order.iter().any(|done| Some(done.as_str()) == n.as_str()))
            })
            .expect("a needs cycle");
        order.push(pending.remove(ready).clone());
    }
    order.iter().map(|job| root_of(workflow, job)).collect()
}

#[test]
fn a_push_applies_the_infrastructure_root_before_the_argocd_root_and_stops_on_its_failure() {
    let roots: Vec<&str> = keiko_hcl::names::EnvRoot::APPLY_ORDER.iter().map(|r| r.name()).collect();
    let pipelines = terraform_pipelines();
    assert_eq!(pipelines.len(), 3);
    for (file, workflow) in &pipelines {
        let env = file.trim_start_matches("terraform-").trim_end_matches(".yml");
        let push = Event::Push(branch(env).to_owned());
        let outcomes = run(workflow, &push, &[]).unwrap();
        assert_eq!(apply_order(workflow, &outcomes), roots, "{file}: a push applies the roots in order");
        let first = format!("apply-{}", roots[0]);
        let failed = run(workflow, &push, &[first.as_str()]).unwrap();
        let second = format!("apply-{}", roots[1]);
        assert_eq!(failed[&second], Outcome::Skipped, "{file}: the argocd root never plans on a failed apply");
        let review = run(workflow, &Event::PullRequest(branch(env).to_owned()), &[]).unwrap();
        assert!(ran(&review).iter().all(|job| job.starts_with("plan-")), "{file}: a pull request applies nothing");
        assert_eq!(ran(&review).len(), roots.len(), "{file}: a pull request plans every root");
    }
}

/// The defect the order exists for, planted back: an argocd apply that does not wait for
/// the infrastructure apply runs beside it.
#[test]
fn an_argocd_apply_that_does_not_wait_is_caught() {
    let (file, mut workflow) = terraform_pipelines().remove(0);
    workflow["jobs"]["apply-argocd"]["needs"] = Value::Array(Vec::new());
    let env = file.trim_start_matches("terraform-").trim_end_matches(".yml").to_owned();
    let failed = run(&workflow, &Event::Push(branch(&env).to_owned()), &["apply-infrastructure"]).unwrap();
    assert_eq!(failed["apply-argocd"], Outcome::Success, "{file}: without needs it runs on a failed infrastructure");
}
