//! The namespaces the platform owns: labelled for Pod Security Admission (`restricted`
//! unless the spec records an exception with its reason), for sidecar injection, and for
//! attaching public routes.

use super::gateway::ROUTES_ALLOWED_LABEL;
use super::labels;
use super::security::POD_SECURITY_LEVEL;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use keiko_model::Platform;
use keiko_spec::security::PodSecurityLevel;
use std::collections::BTreeMap;

/// The Kubernetes version whose Pod Security Standard definitions are pinned, so a
/// cluster upgrade never tightens or loosens admission by surprise.
const POD_SECURITY_VERSION: &str = "v1.35";

/// Every platform namespace, sorted and unique: services, stores and the gateway.
pub fn names(platform: &Platform) -> Vec<String> {
    let mut names: Vec<String> = platform.stateful().values().map(|s| s.namespace.clone()).collect();
    names.push(platform.settings().namespace.clone());
    names.push(platform.security().gateway.namespace.clone());
    names.push(platform.observability().namespace.clone());
    names.sort();
    names.dedup();
    names
}

/// Whether pods of `name` get an Istio sidecar: not the gateway's (they are proxies
/// already), nor the observability namespace's (ECK manages its own TLS, and telemetry
/// must flow even when the mesh is broken).
pub fn in_mesh(platform: &Platform, name: &str) -> bool {
    name != platform.security().gateway.namespace && name != platform.observability().namespace
}

/// A namespace with its admission, mesh and routing labels.
pub fn namespace(platform: &Platform, name: &str) -> Namespace {
    let mut labels = labels::platform(platform, name);
    let (level, annotations) = pod_security(platform, name);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), level.to_owned());
        labels.insert(format!("pod-security.kubernetes.io/{mode}-version"), POD_SECURITY_VERSION.to_owned());
    }
    if in_mesh(platform, name) {
        labels.insert("istio-injection".to_owned(), "enabled".to_owned());
    }
    if name == platform.settings().namespace {
        labels.insert(ROUTES_ALLOWED_LABEL.to_owned(), "true".to_owned());
    }
    Namespace {
        metadata: ObjectMeta { name: Some(name.to_owned()), labels: Some(labels), annotations, ..Default::default() },
        ..Default::default()
    }
}

/// The namespace of an add-on whose pods need the Pod Security `level`, made ahead of
/// the add-on's own sync because objects of the platform component live there.
pub fn addon_namespace(platform: &Platform, name: &str, level: &str, reason: &str) -> Namespace {
    let mut labels = labels::platform(platform, name);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), level.to_owned());
        labels.insert(format!("pod-security.kubernetes.io/{mode}-version"), POD_SECURITY_VERSION.to_owned());
    }
    let annotations = BTreeMap::from([
        (format!("{}/pod-security-exception", labels::PREFIX), reason.to_owned()),
        // Like every add-on's namespace (the others are created by their Applications),
        // it holds the chart's pods, which the platform's default-deny would cut off
        // from the API server and Object Storage.
        (
            format!("{}/exempt-KEIKO-K8S-010", labels::PREFIX),
            "an add-on's namespace: the chart's pods need the API server and Object Storage, and no add-on namespace has the platform's default-deny".to_owned(),
        ),
    ]);
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(labels),
            annotations: Some(annotations),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The enforced level, with the spec's reason as an annotation when it is not `restricted`.
fn pod_security(platform: &Platform, name: &str) -> (&'static str, Option<BTreeMap<String, String>>) {
    let gateway = &platform.security().gateway;
    match &gateway.pod_security {
        Some(exception) if name == gateway.namespace => {
            let level = match exception.level {
                PodSecurityLevel::Baseline => "baseline",
            };
            (
                level,
                Some(BTreeMap::from([(
                    format!("{}/pod-security-exception", labels::PREFIX),
                    exception.reason.clone(),
                )])),
            )
        }
        _ => (POD_SECURITY_LEVEL, None),
    }
}
