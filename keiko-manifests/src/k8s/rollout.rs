//! Blue/green delivery through Argo Rollouts: the Rollout, its AnalysisTemplate on the
//! Prometheus success rate (before promotion on the preview Service, after it on the
//! active one), and the preview Service name.

use super::deployment::REVISION_HISTORY;
use super::labels;
use super::meta::object_meta;
use crate::crd::rollouts::{
    AnalysisRunArgument, AnalysisTemplate, AnalysisTemplateRef, AnalysisTemplateSpec, Argument, BlueGreenStrategy,
    Metric, MetricProvider, PrometheusMetric, Rollout, RolloutAnalysis, RolloutSpec, RolloutStrategy,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use keiko_spec::service::Analysis;
use std::collections::BTreeMap;

/// The in-cluster Prometheus that analysis queries (kube-prometheus-stack's service).
pub const PROMETHEUS_URL: &str = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";
/// Seconds the previous version keeps running after promotion: the whole post-promotion
/// analysis (`services.<name>.rollout.analysis`), and as long again, so a failed analysis
/// switches back to pods that are up.
fn scale_down_delay_seconds(analysis: &Analysis) -> u32 {
    2 * analysis.measurements * analysis.interval_seconds
}

/// The preview Service of a blue/green service.
pub fn preview_name(name: &str) -> String {
    format!("{name}-preview")
}

/// The analysis template's name.
pub fn analysis_name(name: &str) -> String {
    format!("{name}-success-rate")
}

/// A blue/green Rollout: the new version starts behind the preview Service, analysis
/// runs, and only a passing analysis switches the active Service. A failing one aborts
/// the rollout, so traffic never leaves the old version: the automatic rollback.
pub fn rollout(
    namespace: &str,
    name: &str,
    replicas: u32,
    template: PodTemplateSpec,
    analysis: &Analysis,
    labels: BTreeMap<String, String>,
) -> Rollout {
    Rollout {
        metadata: object_meta(name, namespace, labels),
        spec: RolloutSpec {
            replicas: Some(keiko_model::platform::int32(replicas)),
            revision_history_limit: Some(REVISION_HISTORY),
            selector: LabelSelector { match_labels: Some(labels::selector(name)), ..Default::default() },
            template,
            strategy: RolloutStrategy {
                blue_green: BlueGreenStrategy {
                    active_service: name.to_owned(),
                    preview_service: preview_name(name),
                    auto_promotion_enabled: true,
                    pre_promotion_analysis: run_of(name, preview_name(name)),
                    // After the switch the active Service selects the new pods only.
                    post_promotion_analysis: run_of(name, name.to_owned()),
                    scale_down_delay_seconds: keiko_model::platform::int32(scale_down_delay_seconds(analysis)),
                    abort_scale_down_delay_seconds: 600,
                },
            },
        },
    }
}

/// The success-rate analysis of `name` on the pods behind Service `service`.
fn run_of(name: &str, service: String) -> RolloutAnalysis {
    RolloutAnalysis {
        templates: vec![AnalysisTemplateRef { template_name: analysis_name(name) }],
        args: vec![AnalysisRunArgument { name: "service".to_owned(), value: service }],
    }
}

/// A measurement with data: the query returned a sample, and the preview served requests
/// in its window (0/0 is NaN).
const HAS_DATA: &str = "len(result) > 0 && !isNaN(result[0])";

/// The service's measurements of the preview's success rate (five a minute apart unless
/// its spec says otherwise): one failure fails it, and
/// no data is no success. A measurement without data (no request reached the preview yet)
/// is inconclusive; more than one holds the promotion (the Rollout pauses for a person).
pub fn analysis_template(
    namespace: &str,
    name: &str,
    analysis: &Analysis,
    labels: BTreeMap<String, String>,
) -> AnalysisTemplate {
    let min = analysis.min_success_rate;
    AnalysisTemplate {
        metadata: object_meta(&analysis_name(name), namespace, labels),
        spec: AnalysisTemplateSpec {
            args: vec![Argument { name: "service".to_owned() }],
            metrics: vec![Metric {
                name: "success-rate".to_owned(),
                interval: format!("{}s", analysis.interval_seconds),
                count: keiko_model::platform::int32(analysis.measurements),
                success_condition: format!("{HAS_DATA} && result[0] >= {min}"),
                failure_condition: format!("{HAS_DATA} && result[0] < {min}"),
                failure_limit: 1,
                inconclusive_limit: 1,
                provider: MetricProvider {
                    prometheus: PrometheusMetric { address: PROMETHEUS_URL.to_owned(), query: success_rate_query() },
                },
            }],
        },
    }
}

/// Non-5xx requests over all requests to the preview Service, by OpenTelemetry's
/// HTTP server metric as Prometheus names it.
fn success_rate_query() -> String {
    let series = "http_server_request_duration_seconds_count";
    let selector = "service=\"{{args.service}}\"";
    format!(
        "sum(rate({series}{{{selector},http_response_status_code!~\"5..\"}}[2m])) / sum(rate({series}{{{selector}}}[2m]))"
    )
}
