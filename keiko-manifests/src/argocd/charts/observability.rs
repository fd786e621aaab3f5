//! Values of the observability add-ons: kube-prometheus-stack and ECK.

use crate::argocd::values::{Placement, system_pool};
use keiko_spec::Env;
use serde::Serialize;

/// `kube-prometheus-stack` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubePrometheusStack {
    prometheus: Prometheus,
    alertmanager: Alertmanager,
    grafana: Grafana,
    prometheus_operator: Placement,
    core_dns: Enabled,
    kube_controller_manager: Enabled,
    kube_etcd: Enabled,
    kube_scheduler: Enabled,
    kube_proxy: Enabled,
}

/// An on/off switch.
#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Prometheus {
    prometheus_spec: PrometheusSpec,
}

/// Prometheus selects every ServiceMonitor, PodMonitor and PrometheusRule, not only the
/// chart's own, so the generated ones are picked up.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusSpec {
    retention: String,
    service_monitor_selector_nil_uses_helm_values: bool,
    pod_monitor_selector_nil_uses_helm_values: bool,
    rule_selector_nil_uses_helm_values: bool,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Alertmanager {
    alertmanager_spec: AlertmanagerSpec,
}

/// Alertmanager loads the platform's AlertmanagerConfigs, and their routes apply to every
/// alert rather than only to alerts from their own namespace.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AlertmanagerSpec {
    alertmanager_config_selector: MatchLabels,
    alertmanager_config_matcher_strategy: MatcherStrategy,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchLabels {
    match_labels: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct MatcherStrategy {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Serialize)]
struct Grafana {
    sidecar: GrafanaSidecar,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
struct GrafanaSidecar {
    dashboards: DashboardSidecar,
}

/// Grafana loads every ConfigMap labelled `grafana_dashboard` in any namespace.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardSidecar {
    enabled: bool,
    label: String,
    search_namespace: String,
}

/// Metrics, alerting and dashboards; retention grows with the environment.
pub fn kube_prometheus_stack(env: Env) -> KubePrometheusStack {
    let retention = match env {
        Env::Dev => "3d",
        Env::Staging => "7d",
        Env::Production => "30d",
    };
    KubePrometheusStack {
        prometheus: Prometheus {
            prometheus_spec: PrometheusSpec {
                retention: retention.to_owned(),
                service_monitor_selector_nil_uses_helm_values: false,
                pod_monitor_selector_nil_uses_helm_values: false,
                rule_selector_nil_uses_helm_values: false,
                placement: system_pool(),
            },
        },
        alertmanager: Alertmanager {
            alertmanager_spec: AlertmanagerSpec {
                alertmanager_config_selector: MatchLabels {
                    match_labels: std::collections::BTreeMap::from([(
                        "app.kubernetes.io/part-of".to_owned(),
                        "keiko".to_owned(),
                    )]),
                },
                alertmanager_config_matcher_strategy: MatcherStrategy { kind: "None".to_owned() },
                placement: system_pool(),
            },
        },
        grafana: Grafana {
            sidecar: GrafanaSidecar {
                dashboards: DashboardSidecar {
                    enabled: true,
                    label: "grafana_dashboard".to_owned(),
                    search_namespace: "ALL".to_owned(),
                },
            },
            placement: system_pool(),
        },
        prometheus_operator: system_pool(),
        // Each of these puts a Service in kube-system (kube-prometheus-stack 77.6.2
        // `templates/exporters/*/service.yaml`), where the platform's AppProject deploys
        // nothing. OVHcloud runs the control plane (etcd, scheduler, controller manager)
        // out of the cluster's reach, and kube-proxy serves its metrics on localhost;
        // CoreDNS metrics are left for a scrape that needs no kube-system object.
        core_dns: Enabled { enabled: false },
        kube_controller_manager: Enabled { enabled: false },
        kube_etcd: Enabled { enabled: false },
        kube_scheduler: Enabled { enabled: false },
        kube_proxy: Enabled { enabled: false },
    }
}

/// `eck-operator` chart values.
#[derive(Debug, Serialize)]
pub struct EckOperator {
    #[serde(rename = "installCRDs")]
    install_crds: bool,
    #[serde(flatten)]
    placement: Placement,
}

/// The ECK operator, which runs Elasticsearch and Kibana.
pub fn eck_operator() -> EckOperator {
    EckOperator { install_crds: true, placement: system_pool() }
}
