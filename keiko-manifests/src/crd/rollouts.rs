//! Argo Rollouts (`argoproj.io/v1alpha1`): the blue/green Rollout and the
//! AnalysisTemplate that gates its promotion.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// The spec of a Rollout: a Deployment's fields plus a progressive strategy.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "argoproj.io", version = "v1alpha1", kind = "Rollout", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct RolloutSpec {
    /// Desired pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Old ReplicaSets kept for rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Selects the pods; must match the template's labels.
    pub selector: LabelSelector,
    /// The pod template.
    pub template: PodTemplateSpec,
    /// How new versions are introduced.
    pub strategy: RolloutStrategy,
}

/// The rollout strategy; only blue/green is emitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutStrategy {
    /// Blue/green: the new version runs beside the old behind a preview Service.
    pub blue_green: BlueGreenStrategy,
}

/// Blue/green settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueGreenStrategy {
    /// The Service that receives production traffic.
    pub active_service: String,
    /// The Service that reaches the new version before promotion.
    pub preview_service: String,
    /// Promote automatically once pre-promotion analysis passes.
    pub auto_promotion_enabled: bool,
    /// Analysis that must pass before the active Service switches; a failure aborts
    /// the rollout and leaves traffic on the old version.
    pub pre_promotion_analysis: RolloutAnalysis,
    /// Analysis on the promoted version under real traffic; a failure aborts the rollout
    /// and switches the active Service back to the previous ReplicaSet.
    pub post_promotion_analysis: RolloutAnalysis,
    /// Seconds the old version keeps running after promotion, for a fast switch back.
    pub scale_down_delay_seconds: i32,
    /// Seconds the new version keeps running after an abort, for inspection.
    pub abort_scale_down_delay_seconds: i32,
}

/// Analysis templates run at a step of the rollout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutAnalysis {
    /// The templates to run.
    pub templates: Vec<AnalysisTemplateRef>,
    /// Arguments passed to them.
    pub args: Vec<AnalysisRunArgument>,
}

/// A reference to an AnalysisTemplate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisTemplateRef {
    /// The template's name in the Rollout's namespace.
    pub template_name: String,
}

/// An argument given to an analysis run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRunArgument {
    /// The argument's name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// The spec of an AnalysisTemplate.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "argoproj.io", version = "v1alpha1", kind = "AnalysisTemplate", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct AnalysisTemplateSpec {
    /// Arguments the template expects.
    pub args: Vec<Argument>,
    /// The measurements and their pass conditions.
    pub metrics: Vec<Metric>,
}

/// A declared argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    /// The argument's name.
    pub name: String,
}

/// One measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    /// The metric's name.
    pub name: String,
    /// Time between measurements (`1m`).
    pub interval: String,
    /// How many measurements are taken.
    pub count: i32,
    /// An expression over `result` that must hold.
    pub success_condition: String,
    /// An expression over `result` that marks a measurement failed; a measurement that
    /// meets neither condition is inconclusive.
    pub failure_condition: String,
    /// Failed measurements tolerated before the analysis fails.
    pub failure_limit: i32,
    /// Inconclusive measurements tolerated before the analysis is inconclusive (the
    /// Rollout then pauses; nothing is promoted).
    pub inconclusive_limit: i32,
    /// Where the measurement comes from.
    pub provider: MetricProvider,
}

/// The source of a measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricProvider {
    /// A Prometheus query.
    pub prometheus: PrometheusMetric,
}

/// A Prometheus query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrometheusMetric {
    /// The Prometheus server URL.
    pub address: String,
    /// The PromQL query; `{{args.NAME}}` is replaced by Argo Rollouts.
    pub query: String,
}
