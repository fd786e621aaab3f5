//! Every Application settles in Synced: each field a controller in the cluster rewrites
//! after apply is left to that controller by an `ignoreDifferences` entry, so self-heal
//! never fights it. The rewriters are known per chart (keiko_model::charts, read from
//! each chart and controller at its pinned version) and, for our own objects, follow
//! from what we render: an HPA owns its target's replicas, Argo Rollouts owns the
//! selector hash of a blue/green Rollout's Services.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_model::charts;
use keiko_spec::Env;
use serde_json::Value;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// Whether `application` ignores every one of `fields` (jq paths or JSON pointers) of
/// `group`/`kind` named `name`.
fn ignores(application: &Value, group: &str, kind: &str, name: &str, fields: &[&str]) -> bool {
    let entries = application["spec"]["ignoreDifferences"].as_array().cloned().unwrap_or_default();
    fields.iter().all(|field| {
        entries.iter().any(|e| {
            e["group"] == group
                && e["kind"] == kind
                && (e.get("name").is_none() || e["name"] == name)
                && ["jqPathExpressions", "jsonPointers"]
                    .iter()
                    .any(|k| e[k].as_array().is_some_and(|l| l.iter().any(|f| f == field)))
        })
    })
}

/// The rewritten fields an add-on Application of `env` does not ignore.
fn addon_problems(platform: &Platform, applications: &[Value], env: Env) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, addon) in platform.addons() {
        let facts = charts::facts(addon.role().unwrap());
        let application = applications.iter().find(|a| a["metadata"]["name"] == name.as_str()).unwrap();
        for rewrite in facts.rewritten {
            if !ignores(application, rewrite.group, rewrite.kind, rewrite.name, rewrite.fields) {
                problems.push(format!(
                    "{env}: Application {name}: {} {} fields {:?} are rewritten by {}, and self-heal would put them back: add them to ignoreDifferences",
                    rewrite.kind, rewrite.name, rewrite.fields, rewrite.by
                ));
            }
        }
    }
    problems
}

/// The controller-owned fields of our own objects an Application of `env` does not ignore.
fn component_problems(platform: &Platform, applications: &[Value], env: Env) -> Vec<String> {
    let mut problems = Vec::new();
    for component in components(platform, env).unwrap() {
        let application = applications.iter().find(|a| a["metadata"]["name"] == component.name.as_str()).unwrap();
        for object in &component.objects {
            let value = &object.value;
            if object.kind == "HorizontalPodAutoscaler" {
                let target = &value["spec"]["scaleTargetRef"];
                let group = target["apiVersion"].as_str().unwrap().rsplit_once('/').map_or("", |(g, _)| g);
                let (kind, name) = (target["kind"].as_str().unwrap(), target["name"].as_str().unwrap());
                if !ignores(application, group, kind, name, &["/spec/replicas"]) {
                    problems.push(format!(
                        "{env}: Application {}: the HPA {} sets the replicas of {kind} {name}: ignore /spec/replicas",
                        component.name, object.name
                    ));
                }
            }
            if object.kind == "Rollout" {
                let strategy = &value["spec"]["strategy"]["blueGreen"];
                for role in ["activeService", "previewService"] {
                    let Some(service) = strategy[role].as_str() else { continue };
                    let field = "/spec/selector/rollouts-pod-template-hash";
                    if !ignores(application, "", "Service", service, &[field]) {
                        problems.push(format!(
                            "{env}: Application {}: Argo Rollouts sets {field} of Service {service}: ignore it",
                            component.name
                        ));
                    }
                }
            }
        }
    }
    problems
}

fn applications(platform: &Platform, env: Env) -> Vec<Value> {
    keiko_manifests::argocd::objects(platform, env)
        .unwrap()
        .into_iter()
        .filter(|o| o.kind == "Application")
        .map(|o| o.value)
        .collect()
}

#[test]
fn every_field_a_controller_rewrites_is_left_to_it() {
    for platform in [keiko(), Platform::new(keiko_spec::synthetic::spec(40).unwrap())] {
        for env in Env::ALL {
            let applications = applications(&platform, env);
            let mut problems = addon_problems(&platform, &applications, env);
            problems.extend(component_problems(&platform, &applications, env));
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    }
}

#[test]
fn every_chart_with_webhooks_names_who_rewrites_them() {
    // A webhook configuration's caBundle is always filled in by some controller after
    // apply; a chart that renders one and lists no rewrite for it was not read.
    for chart in keiko_spec::addon::Chart::ALL {
        let facts = charts::facts(chart);
        for kind in facts.cluster_scoped.iter().filter(|k| k.kind.ends_with("WebhookConfiguration")) {
            assert!(
                facts.rewritten.iter().any(|r| r.kind == kind.kind && r.fields.iter().any(|f| f.contains("caBundle"))),
                "{}: renders a {} but names no controller that fills its caBundle",
                facts.source,
                kind.kind
            );
        }
    }
}

#[test]
fn a_rewritten_field_left_to_self_heal_is_named() {
    let platform = keiko();
    let mut applications = applications(&platform, Env::Dev);
    for application in &mut applications {
        application["spec"]["ignoreDifferences"] = Value::Array(Vec::new());
    }
    let problems = addon_problems(&platform, &applications, Env::Dev);
    assert!(problems.iter().any(|p| p.contains("Application istiod") && p.contains("caBundle")), "{problems:#?}");
    let problems = component_problems(&platform, &applications, Env::Dev);
    assert!(problems.iter().any(|p| p.contains("ignore /spec/replicas")), "{problems:#?}");
}
