//! Platform add-ons installed from their upstream Helm charts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An add-on's role: the upstream chart it installs. The builders have a values
/// builder for each; the spec accepts no other chart name ([`SUPPORTED_CHARTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chart {
    /// Argo CD (argoproj/argo-helm `argo-cd`).
    ArgoCd,
    /// Argo Rollouts (argoproj/argo-helm `argo-rollouts`).
    ArgoRollouts,
    /// Istio's CRDs and cluster roles (istio `base`).
    IstioBase,
    /// cert-manager (jetstack `cert-manager`).
    CertManager,
    /// Istio's CNI node agent (istio `cni`).
    IstioCni,
    /// The Elastic operator (elastic `eck-operator`).
    EckOperator,
    /// External Secrets Operator (external-secrets `external-secrets`).
    ExternalSecrets,
    /// Fluent Bit (fluent `fluent-bit`).
    FluentBit,
    /// Istio's control plane (istio `istiod`).
    Istiod,
    /// Jaeger (jaegertracing `jaeger`).
    Jaeger,
    /// Prometheus, Alertmanager and Grafana (prometheus-community `kube-prometheus-stack`).
    KubePrometheusStack,
    /// Velero (vmware-tanzu `velero`).
    Velero,
    /// The Vertical Pod Autoscaler (fairwinds-stable `vpa`).
    Vpa,
}

impl Chart {
    /// Every chart, in the order of their names.
    pub const ALL: [Chart; 13] = [
        Chart::ArgoCd,
        Chart::ArgoRollouts,
        Chart::IstioBase,
        Chart::CertManager,
        Chart::IstioCni,
        Chart::EckOperator,
        Chart::ExternalSecrets,
        Chart::FluentBit,
        Chart::Istiod,
        Chart::Jaeger,
        Chart::KubePrometheusStack,
        Chart::Velero,
        Chart::Vpa,
    ];

    /// The chart's name in its repository, as `addons.<name>.chart` writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Chart::ArgoCd => "argo-cd",
            Chart::ArgoRollouts => "argo-rollouts",
            Chart::IstioBase => "base",
            Chart::CertManager => "cert-manager",
            Chart::IstioCni => "cni",
            Chart::EckOperator => "eck-operator",
            Chart::ExternalSecrets => "external-secrets",
            Chart::FluentBit => "fluent-bit",
            Chart::Istiod => "istiod",
            Chart::Jaeger => "jaeger",
            Chart::KubePrometheusStack => "kube-prometheus-stack",
            Chart::Velero => "velero",
            Chart::Vpa => "vpa",
        }
    }

    /// The chart of that name, if the platform supports it.
    pub fn from_name(name: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|chart| chart.name() == name)
    }
}

/// The chart names the spec accepts: those of [`Chart`].
pub const SUPPORTED_CHARTS: [&str; 13] = {
    let mut names = [""; 13];
    let mut index = 0;
    while index < names.len() {
        names[index] = Chart::ALL[index].name();
        index += 1;
    }
    names
};

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

impl Addon {
    /// The chart's role; `None` only for a spec that skipped validation.
    pub fn role(&self) -> Option<Chart> {
        Chart::from_name(&self.chart)
    }
}
