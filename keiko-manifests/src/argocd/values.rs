//! Helm values of the add-ons, as typed structs per chart. Every add-on runs on the
//! `system` node pool (which Terraform taints), installs its own CRDs, and runs more
//! than one replica where production needs it.

use crate::k8s::pod::NODE_POOL_LABEL;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::addon::{Addon, Chart, SUPPORTED_CHARTS};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Scheduling onto the system pool, tolerating its taint.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    /// Selects the system pool.
    pub node_selector: BTreeMap<String, String>,
    /// Tolerates the system pool's `NoSchedule` taint.
    pub tolerations: Vec<Toleration>,
}

/// A toleration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// The taint key (absent with `Exists` to tolerate every taint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` or `Exists`.
    pub operator: String,
    /// The taint value for `Equal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The tolerated effect (absent for all effects).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
}

/// The system pool placement.
pub fn system_pool() -> Placement {
    Placement {
        node_selector: BTreeMap::from([(NODE_POOL_LABEL.to_owned(), "system".to_owned())]),
        tolerations: vec![Toleration {
            key: Some(NODE_POOL_LABEL.to_owned()),
            operator: "Equal".to_owned(),
            value: Some("system".to_owned()),
            effect: Some("NoSchedule".to_owned()),
        }],
    }
}

/// Replicas of a controller: two in production for availability, one elsewhere.
fn replicas(env: Env) -> u32 {
    if env == Env::Production { 2 } else { 1 }
}

/// The values of `addon`'s chart in `env`, or why there are none.
pub fn for_chart(platform: &Platform, env: Env, addon: &Addon) -> Result<Value, String> {
    let Some(chart) = addon.role() else {
        let chart = &addon.chart;
        return Err(format!("no values builder for chart `{chart}`; supported: {}", SUPPORTED_CHARTS.join(", ")));
    };
    let value = match chart {
        Chart::ArgoCd => to_value(super::charts::argo_cd(env)),
        Chart::ArgoRollouts => to_value(super::charts::argo_rollouts(env)),
        Chart::CertManager => to_value(super::charts::cert_manager(env, &addon.namespace)),
        Chart::ExternalSecrets => to_value(super::charts::external_secrets(env)),
        Chart::IstioBase => to_value(super::charts::istio_base()),
        Chart::Istiod => to_value(super::charts::istiod(env)),
        Chart::IstioCni => to_value(super::charts::istio_cni()),
        Chart::KubePrometheusStack => to_value(super::charts::kube_prometheus_stack(env)),
        Chart::Jaeger => to_value(super::charts::jaeger(platform, env)),
        Chart::EckOperator => to_value(super::charts::eck_operator()),
        Chart::FluentBit => to_value(super::charts::fluent_bit(platform)),
        Chart::Velero => to_value(super::charts::velero(platform, env)),
        Chart::Vpa => to_value(super::charts::vpa()),
    };
    value.map_err(|error| error.to_string())
}

fn to_value<T: Serialize>(values: T) -> serde_json::Result<Value> {
    serde_json::to_value(values)
}

/// Replicas for `env`, shared by the chart builders.
pub(super) fn controller_replicas(env: Env) -> u32 {
    replicas(env)
}
