//! Per-service scraping and SLO alerts: a ServiceMonitor on the `metrics` port and a
//! PrometheusRule with multi-window, multi-burn-rate alerts on the availability
//! objective and an alert on the p95 latency objective.

use crate::crd::prometheus::{
    Endpoint, NamespaceSelector, PrometheusRule, PrometheusRuleSpec, Rule, RuleGroup, Selector, ServiceMonitor,
    ServiceMonitorSpec,
};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use keiko_spec::service::{METRICS_PORT, Service};
use std::collections::BTreeMap;

/// The OpenTelemetry HTTP server duration histogram, as Prometheus names it.
pub const REQUEST_DURATION: &str = "http_server_request_duration_seconds";

/// Burn-rate windows (long, short, burn factor, severity, how long it must hold), from
/// the SRE workbook: 2 % of a 30-day budget in an hour pages, 10 % in three days tickets.
const BURN_WINDOWS: [(&str, &str, f64, &str, &str); 4] = [
    ("1h", "5m", 14.4, "critical", "2m"),
    ("6h", "30m", 6.0, "critical", "15m"),
    ("1d", "2h", 3.0, "warning", "1h"),
    ("3d", "6h", 1.0, "warning", "3h"),
];

/// Scrapes the service's metrics port every 30 seconds.
pub fn service_monitor(namespace: &str, name: &str, labels: BTreeMap<String, String>) -> ServiceMonitor {
    ServiceMonitor {
        metadata: object_meta(name, namespace, labels),
        spec: ServiceMonitorSpec {
            selector: Selector { match_labels: labels::selector(name) },
            namespace_selector: NamespaceSelector { match_names: vec![namespace.to_owned()] },
            endpoints: vec![Endpoint {
                port: METRICS_PORT.to_owned(),
                path: "/metrics".to_owned(),
                interval: "30s".to_owned(),
                scrape_timeout: "10s".to_owned(),
            }],
        },
    }
}

/// The service's request series, by its Service name.
fn series(namespace: &str, name: &str, suffix: &str, extra: &str) -> String {
    format!("{REQUEST_DURATION}_{suffix}{{namespace=\"{namespace}\",service=\"{name}\"{extra}}}")
}

/// The share of 5xx responses over `window`.
pub fn error_ratio(namespace: &str, name: &str, window: &str) -> String {
    let errors = series(namespace, name, "count", ",http_response_status_code=~\"5..\"");
    let all = series(namespace, name, "count", "");
    format!("(sum(rate({errors}[{window}])) / sum(rate({all}[{window}])))")
}

/// The p95 request duration over 5 minutes, in seconds.
pub fn latency_p95(namespace: &str, name: &str) -> String {
    format!("histogram_quantile(0.95, sum by (le) (rate({}[5m])))", series(namespace, name, "bucket", ""))
}

/// Burn-rate and latency alerts for one service, routed to its team.
pub fn rules(namespace: &str, name: &str, service: &Service, labels: BTreeMap<String, String>) -> PrometheusRule {
    let budget = 1.0 - service.slo.availability_percent / 100.0;
    let mut rules: Vec<Rule> = BURN_WINDOWS
        .iter()
        .map(|(long, short, factor, severity, hold)| Rule {
            alert: Some(format!("{}ErrorBudgetBurn{}", pascal(name), long)),
            record: None,
            expr: format!(
                "{} > ({factor} * {budget:.6}) and {} > ({factor} * {budget:.6})",
                error_ratio(namespace, name, long),
                error_ratio(namespace, name, short)
            ),
            for_: Some((*hold).to_owned()),
            labels: alert_labels(service, severity),
            annotations: annotations(
                &format!(
                    "{name} is burning its {}% availability budget {factor}x too fast ({long} window)",
                    service.slo.availability_percent
                ),
                "error-budget-burn",
            ),
        })
        .collect();
    rules.push(Rule {
        alert: Some(format!("{}LatencyP95High", pascal(name))),
        record: None,
        expr: format!("{} > {}", latency_p95(namespace, name), f64::from(service.slo.latency_p95_ms) / 1000.0),
        for_: Some("10m".to_owned()),
        labels: alert_labels(service, "warning"),
        annotations: annotations(
            &format!("{name} p95 latency is above its {} ms objective", service.slo.latency_p95_ms),
            "latency-slo",
        ),
    });
    PrometheusRule {
        metadata: object_meta(&format!("{name}-slo"), namespace, labels),
        spec: PrometheusRuleSpec { groups: vec![RuleGroup { name: format!("{name}-slo"), rules }] },
    }
}

fn alert_labels(service: &Service, severity: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("severity".to_owned(), severity.to_owned()), ("team".to_owned(), service.team.clone())])
}

/// A summary and the runbook section that handles the alert.
pub fn annotations(summary: &str, runbook: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("summary".to_owned(), summary.to_owned()),
        ("runbook".to_owned(), format!("docs/runbooks/on-call.md#{runbook}")),
    ])
}

/// `learning-service` → `LearningService`, for alert names.
pub fn pascal(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}
