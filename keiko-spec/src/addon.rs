//! Platform add-ons installed from their upstream Helm charts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The charts the platform knows how to configure, by chart name: the
/// builders have a values builder for each, and the spec accepts no other.
pub const SUPPORTED_CHARTS: [&str; 13] = [
    "argo-cd",
    "argo-rollouts",
    "base",
    "cert-manager",
    "cni",
    "eck-operator",
    "external-secrets",
    "fluent-bit",
    "istiod",
    "jaeger",
    "kube-prometheus-stack",
    "velero",
    "vpa",
];

/// A platform add-on: an upstream Helm chart at a pinned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Addon {
    /// The Helm repository URL (HTTPS) or OCI registry (`oci://…`).
    pub repository: String,
    /// The chart's name in that repository.
    pub chart: String,
    /// The exact chart version; ranges are refused so every sync installs the same thing.
    pub version: String,
    /// The namespace the add-on is installed into.
    pub namespace: String,
    /// The sync wave: add-ons whose CRDs others use come first (lower).
    pub wave: i32,
}
