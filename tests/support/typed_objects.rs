//! The typed round trip of generated objects, shared by the tests that check it: an
//! object deserializes into its typed struct and serializes back to the identical
//! value, so a misspelled or misplaced field (which the type would drop) shows up.

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
use std::path::Path;

fn round_trips<T: Serialize + DeserializeOwned>(value: &Value) -> Result<(), String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if &back == value { Ok(()) } else { Err(format!("serializes back as {back:#}")) }
}

/// Checks one object of the file at `path` (relative or absolute; files under a
/// `patches` folder hold JSON patches).
pub fn check(path: &Path, value: &Value) -> Result<(), String> {
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
