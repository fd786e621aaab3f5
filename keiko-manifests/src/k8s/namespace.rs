//! The namespaces the platform owns, each enforcing the `restricted` Pod Security Standard.

use super::labels;
use super::security::POD_SECURITY_LEVEL;
use crate::spec::Spec;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The Kubernetes version whose Pod Security Standard definitions are pinned, so a
/// cluster upgrade never tightens or loosens admission by surprise.
const POD_SECURITY_VERSION: &str = "v1.35";

/// The services' namespace followed by each stateful store's, sorted and unique.
pub fn names(spec: &Spec) -> Vec<String> {
    let mut names: Vec<String> = spec.stateful().values().map(|s| s.namespace.clone()).collect();
    names.push(spec.platform().namespace.clone());
    names.sort();
    names.dedup();
    names
}

/// A namespace labelled for Pod Security Admission (enforce, audit and warn).
pub fn namespace(spec: &Spec, name: &str) -> Namespace {
    let mut labels = labels::platform(spec, name);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), POD_SECURITY_LEVEL.to_owned());
        labels.insert(format!("pod-security.kubernetes.io/{mode}-version"), POD_SECURITY_VERSION.to_owned());
    }
    Namespace {
        metadata: ObjectMeta { name: Some(name.to_owned()), labels: Some(labels), ..Default::default() },
        ..Default::default()
    }
}
