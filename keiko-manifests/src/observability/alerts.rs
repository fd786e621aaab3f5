//! Platform alerts: what breaks regardless of service (crash loops, saturation, volumes,
//! certificates, backups, GitOps sync, DR drills), each from a metric a generated scrape
//! target provides.

use super::slo::REQUEST_DURATION;
use super::slo::annotations;
use crate::crd::prometheus::{PrometheusRule, PrometheusRuleSpec, Rule, RuleGroup};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use keiko_model::Platform;
use keiko_spec::addon::Chart;
use std::collections::BTreeMap;

/// The longest time without a successful database backup before alerting: the 6-hour
/// schedule plus one hour for a slow run.
const BACKUP_STALE_SECONDS: u32 = 7 * 3600;

/// One platform alert: name, expression, hold time, severity, summary, runbook anchor.
struct Alert(&'static str, String, &'static str, &'static str, &'static str, &'static str);

fn alerts(platform: &Platform) -> Vec<Alert> {
    let ns = &platform.settings().namespace;
    let mut alerts = vec![
        Alert(
            "PodCrashLooping",
            format!("increase(kube_pod_container_status_restarts_total{{namespace=~\"{ns}|keiko-.*\"}}[15m]) > 3"),
            "5m",
            "critical",
            "A container keeps restarting",
            "crash-loop",
        ),
        Alert(
            "HpaAtMaximum",
            "kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas"
                .to_owned(),
            "15m",
            "warning",
            "An autoscaler is pinned at its maximum replicas",
            "hpa-at-max",
        ),
        Alert(
            "PersistentVolumeFillingUp",
            "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.15".to_owned(),
            "10m",
            "warning",
            "A persistent volume has less than 15% free",
            "volume-full",
        ),
        Alert(
            "CertificateExpiringSoon",
            "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600".to_owned(),
            "1h",
            "critical",
            "A certificate expires within 14 days",
            "certificate-expiry",
        ),
        Alert(
            "BackupJobFailed",
            "kube_job_status_failed{job_name=~\"backup-.*\"} > 0".to_owned(),
            "0m",
            "critical",
            "A backup job failed",
            "backup-failed",
        ),
        Alert(
            "BackupMissing",
            format!(
                "time() - max by (cronjob) (kube_cronjob_status_last_successful_time{{cronjob=~\"backup-.*\"}}) > {BACKUP_STALE_SECONDS}"
            ),
            "0m",
            "critical",
            "No successful backup for over 7 hours",
            "backup-missing",
        ),
        Alert(
            "ArgoCdApplicationOutOfSync",
            "argocd_app_info{sync_status!=\"Synced\"} == 1".to_owned(),
            "30m",
            "warning",
            "An ArgoCD application has been out of sync for 30 minutes",
            "argocd-out-of-sync",
        ),
        Alert(
            "ArgoCdApplicationDegraded",
            "argocd_app_info{health_status=\"Degraded\"} == 1".to_owned(),
            "10m",
            "critical",
            "An ArgoCD application is degraded",
            "argocd-degraded",
        ),
        Alert(
            "DisasterRecoveryDrillFailed",
            "kube_job_status_failed{job_name=~\"dr-drill-.*\"} > 0".to_owned(),
            "0m",
            "critical",
            "The monthly disaster-recovery drill failed",
            "dr-drill-failed",
        ),
    ];
    if platform.addon(Chart::Jaeger).is_some() {
        // Spans stop arriving while the services serve requests: the tracing pipeline
        // (agent, gateway, Jaeger collector, Elasticsearch) is broken somewhere. Quiet
        // hours without requests do not fire it. Jaeger 1.53's collector counts
        // `jaeger_collector_spans_received_total` (cmd/collector/app/metrics.go).
        alerts.push(Alert(
            "TracesNotArriving",
            format!(
                "sum(rate({REQUEST_DURATION}_count{{namespace=\"{ns}\"}}[10m])) > 0 and on() (sum(rate(jaeger_collector_spans_received_total[10m])) or on() vector(0)) == 0"
            ),
            "15m",
            "warning",
            "The services serve requests but no spans reach Jaeger",
            "traces-not-arriving",
        ));
    }
    alerts
}

/// The platform's PrometheusRule, in the monitoring namespace, routed to the platform team.
pub fn platform_rules(platform: &Platform, namespace: &str) -> PrometheusRule {
    let rules = alerts(platform)
        .into_iter()
        .map(|Alert(name, expr, hold, severity, summary, runbook)| Rule {
            alert: Some(name.to_owned()),
            record: None,
            expr,
            for_: (hold != "0m").then(|| hold.to_owned()),
            labels: BTreeMap::from([
                ("severity".to_owned(), severity.to_owned()),
                ("team".to_owned(), PLATFORM_TEAM.to_owned()),
            ]),
            annotations: annotations(summary, runbook),
        })
        .collect();
    PrometheusRule {
        metadata: object_meta("keiko-platform", namespace, labels::platform(platform, "keiko-platform")),
        spec: PrometheusRuleSpec { groups: vec![RuleGroup { name: "keiko-platform".to_owned(), rules }] },
    }
}

/// The team that receives platform alerts.
pub const PLATFORM_TEAM: &str = "platform";
