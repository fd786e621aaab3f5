//! Properties every workload of the fleet has in every environment, checked on the
//! rendered objects themselves rather than on the builders' code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;

const KEIKO: &str = include_str!("../../keiko.yaml");

/// Every (object, pod template) pair of the fleet's services and stores in every environment.
fn pod_templates() -> Vec<(Env, Value, Value)> {
    let platform = Platform::new(keiko_spec::load("keiko.yaml", KEIKO).unwrap());
    let mut out = Vec::new();
    for env in Env::ALL {
        for component in components(&platform, env).unwrap() {
            let fleet =
                platform.services().contains_key(&component.name) || platform.stateful().contains_key(&component.name);
            for object in component.objects {
                let workload = fleet && ["Deployment", "Rollout", "StatefulSet"].contains(&object.kind.as_str());
                if let Some(template) = object.value.pointer("/spec/template").cloned().filter(|_| workload) {
                    out.push((env, object.value, template));
                }
            }
        }
    }
    out
}

#[test]
fn every_pod_meets_the_restricted_pod_security_standard() {
    for (env, object, template) in pod_templates() {
        let name = &object["metadata"]["name"];
        let pod = &template["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{env} {name}");
        assert!(pod["securityContext"]["runAsUser"].as_i64().unwrap() > 0, "{env} {name}");
        assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault", "{env} {name}");
        assert_eq!(pod["automountServiceAccountToken"], false, "{env} {name}");
        for container in pod["containers"].as_array().unwrap() {
            let security = &container["securityContext"];
            assert_eq!(security["allowPrivilegeEscalation"], false, "{env} {name}");
            assert_eq!(security["readOnlyRootFilesystem"], true, "{env} {name}");
            assert_eq!(security["capabilities"]["drop"], serde_json::json!(["ALL"]), "{env} {name}");
            for kind in ["requests", "limits"] {
                assert!(container["resources"][kind]["cpu"].is_string(), "{env} {name} {kind}.cpu");
                assert!(container["resources"][kind]["memory"].is_string(), "{env} {name} {kind}.memory");
            }
        }
    }
}

#[test]
fn every_main_container_has_probes_and_graceful_shutdown() {
    for (env, object, template) in pod_templates() {
        let name = object["metadata"]["name"].as_str().unwrap();
        let main = template["spec"]["containers"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap();
        assert!(main["livenessProbe"].is_object() && main["readinessProbe"].is_object(), "{env} {name}");
        assert!(main["lifecycle"]["preStop"].is_object(), "{env} {name}");
        assert!(template["spec"]["terminationGracePeriodSeconds"].as_i64().unwrap() >= 30, "{env} {name}");
        if object["kind"] != "StatefulSet" {
            assert_eq!(main["livenessProbe"]["httpGet"]["path"], "/health", "{env} {name}");
            assert_eq!(main["readinessProbe"]["httpGet"]["path"], "/ready", "{env} {name}");
        }
    }
}

#[test]
fn selectors_match_their_pod_template_labels() {
    for (env, object, template) in pod_templates() {
        let selector = object["spec"]["selector"]["matchLabels"].as_object().unwrap();
        let labels = template["metadata"]["labels"].as_object().unwrap();
        for (key, value) in selector {
            assert_eq!(labels.get(key), Some(value), "{env} {}: selector {key}", object["metadata"]["name"]);
        }
        for key in ["name", "instance", "version", "component", "part-of", "managed-by"] {
            assert!(labels.contains_key(&format!("app.kubernetes.io/{key}")), "{env}: missing {key}");
        }
        assert!(labels.contains_key("keiko.io/team") && labels.contains_key("keiko.io/cost-center"));
    }
}

#[test]
fn rollouts_never_take_a_pod_down_first_outside_dev() {
    for (env, object, _) in pod_templates() {
        if object["kind"] == "Deployment" {
            let expected = if env == Env::Dev { 1 } else { 0 };
            assert_eq!(object["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], expected, "{env}");
        }
    }
}

/// Every pod the platform runs, whatever owns it: the fleet's workloads, the telemetry
/// pipeline, backup and drill jobs.
fn every_pod_spec() -> Vec<(String, Value)> {
    let platform = Platform::new(keiko_spec::load("keiko.yaml", KEIKO).unwrap());
    let mut out = Vec::new();
    for env in Env::ALL {
        for object in components(&platform, env).unwrap().into_iter().flat_map(|c| c.objects) {
            let pointer = match object.kind.as_str() {
                "Deployment" | "Rollout" | "StatefulSet" | "DaemonSet" | "Job" => "/spec/template/spec",
                "CronJob" => "/spec/jobTemplate/spec/template/spec",
                _ => continue,
            };
            out.push((format!("{env} {}", object.id()), object.value.pointer(pointer).cloned().unwrap()));
        }
    }
    out
}

#[test]
fn every_pod_of_the_platform_runs_restricted_with_requests_and_limits() {
    let pods = every_pod_spec();
    assert!(pods.iter().any(|(id, _)| id.contains("CronJob")) && pods.iter().any(|(id, _)| id.contains("DaemonSet")));
    for (id, pod) in pods {
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{id}");
        assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault", "{id}");
        let containers =
            pod["containers"].as_array().unwrap().iter().chain(pod["initContainers"].as_array().into_iter().flatten());
        for container in containers {
            assert_eq!(container["securityContext"]["allowPrivilegeEscalation"], false, "{id}");
            assert_eq!(container["securityContext"]["capabilities"]["drop"], serde_json::json!(["ALL"]), "{id}");
            assert!(container["resources"]["limits"]["memory"].is_string(), "{id}: memory limit");
        }
    }
}
