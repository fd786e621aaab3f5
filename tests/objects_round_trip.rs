//! Every object in generated/ deserializes into its typed struct and serializes back
//! to the identical value: a misspelled or misplaced field would be dropped by the
//! type and show up here as a difference.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, LimitRange, Namespace, ResourceQuota, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use keiko_manifests::crd::argocd::{AppProject, Application};
use keiko_manifests::crd::cert_manager::{Certificate, ClusterIssuer};
use keiko_manifests::crd::eck::{Elasticsearch, Kibana};
use keiko_manifests::crd::external_secrets::{ClusterSecretStore, ExternalSecret};
use keiko_manifests::crd::gateway_api::{GRPCRoute, Gateway, HTTPRoute};
use keiko_manifests::crd::istio::{
    AuthorizationPolicy, EnvoyFilter, PeerAuthentication, RequestAuthentication, WasmPlugin,
};
use keiko_manifests::crd::prometheus::{AlertmanagerConfig, PrometheusRule, ServiceMonitor};
use keiko_manifests::crd::rollouts::{AnalysisTemplate, Rollout};
use keiko_manifests::crd::velero::Schedule;
use keiko_manifests::crd::vpa::VerticalPodAutoscaler;
use keiko_manifests::k8s::kustomize::{Kustomization, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn round_trips<T: Serialize + DeserializeOwned>(value: &Value) -> Result<(), String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if &back == value { Ok(()) } else { Err(format!("serializes back as {back:#}")) }
}

fn check(path: &Path, value: &Value) -> Result<(), String> {
    if path.components().any(|c| c.as_os_str() == "patches") {
        return round_trips::<Vec<Operation>>(value);
    }
    match value.get("kind").and_then(Value::as_str).unwrap_or_default() {
        "Kustomization" => round_trips::<Kustomization>(value),
        "Namespace" => round_trips::<Namespace>(value),
        "ServiceAccount" => round_trips::<ServiceAccount>(value),
        "ConfigMap" => round_trips::<ConfigMap>(value),
        "Service" => round_trips::<Service>(value),
        "Deployment" => round_trips::<Deployment>(value),
        "StatefulSet" => round_trips::<StatefulSet>(value),
        "HorizontalPodAutoscaler" => round_trips::<HorizontalPodAutoscaler>(value),
        "PodDisruptionBudget" => round_trips::<PodDisruptionBudget>(value),
        "VerticalPodAutoscaler" => round_trips::<VerticalPodAutoscaler>(value),
        "Rollout" => round_trips::<Rollout>(value),
        "AnalysisTemplate" => round_trips::<AnalysisTemplate>(value),
        "Application" => round_trips::<Application>(value),
        "AppProject" => round_trips::<AppProject>(value),
        "NetworkPolicy" => round_trips::<NetworkPolicy>(value),
        "ResourceQuota" => round_trips::<ResourceQuota>(value),
        "LimitRange" => round_trips::<LimitRange>(value),
        "Role" => round_trips::<Role>(value),
        "RoleBinding" => round_trips::<RoleBinding>(value),
        "PeerAuthentication" => round_trips::<PeerAuthentication>(value),
        "AuthorizationPolicy" => round_trips::<AuthorizationPolicy>(value),
        "RequestAuthentication" => round_trips::<RequestAuthentication>(value),
        "EnvoyFilter" => round_trips::<EnvoyFilter>(value),
        "WasmPlugin" => round_trips::<WasmPlugin>(value),
        "Gateway" => round_trips::<Gateway>(value),
        "HTTPRoute" => round_trips::<HTTPRoute>(value),
        "GRPCRoute" => round_trips::<GRPCRoute>(value),
        "Certificate" => round_trips::<Certificate>(value),
        "ClusterIssuer" => round_trips::<ClusterIssuer>(value),
        "ExternalSecret" => round_trips::<ExternalSecret>(value),
        "ClusterSecretStore" => round_trips::<ClusterSecretStore>(value),
        "DaemonSet" => round_trips::<DaemonSet>(value),
        "Job" => round_trips::<Job>(value),
        "CronJob" => round_trips::<CronJob>(value),
        "ServiceMonitor" => round_trips::<ServiceMonitor>(value),
        "PrometheusRule" => round_trips::<PrometheusRule>(value),
        "AlertmanagerConfig" => round_trips::<AlertmanagerConfig>(value),
        "Elasticsearch" => round_trips::<Elasticsearch>(value),
        "Kibana" => round_trips::<Kibana>(value),
        "Schedule" => round_trips::<Schedule>(value),
        other => Err(format!("no typed struct for kind `{other}`: add one to this test")),
    }
}

#[test]
fn every_generated_object_round_trips_through_its_type() {
    let mut files = Vec::new();
    yaml_files(&generated().join("k8s"), &mut files);
    yaml_files(&generated().join("argocd"), &mut files);
    assert!(files.len() > 100, "generated/k8s holds the fleet");
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(reason) = check(&path, &value) {
            failures.push(format!("{}: {reason}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
