//! Alerts, dashboards, collector configuration and backups hold together: every rule is
//! valid PromQL over metrics that a generated scrape target provides, configurations
//! round-trip through their types, and every database is dumped at least every 6 hours.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keiko_manifests::components::components;
use keiko_manifests::k8s::Object;
use keiko_manifests::observability::collector_config::Config;
use keiko_manifests::observability::dashboards::Dashboard;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::validate::cron;
use promql_parser::parser::{self, Expr};
use serde_json::Value;

fn platform() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", common::KEIKO).unwrap())
}

fn objects(platform: &Platform, env: Env) -> Vec<Object> {
    components(platform, env).unwrap().into_iter().flat_map(|c| c.objects).collect()
}

/// Metric names an expression selects.
fn metrics(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Aggregate(e) => {
            metrics(&e.expr, out);
            if let Some(param) = &e.param {
                metrics(param, out);
            }
        }
        Expr::Unary(e) => metrics(&e.expr, out),
        Expr::Binary(e) => {
            metrics(&e.lhs, out);
            metrics(&e.rhs, out);
        }
        Expr::Paren(e) => metrics(&e.expr, out),
        Expr::Subquery(e) => metrics(&e.expr, out),
        Expr::VectorSelector(vs) => out.extend(vs.name.clone()),
        Expr::MatrixSelector(ms) => out.extend(ms.vs.name.clone()),
        Expr::Call(call) => call.args.args.iter().for_each(|arg| metrics(arg, out)),
        _ => {}
    }
}

fn rule_expressions(objects: &[Object]) -> Vec<(String, String)> {
    objects
        .iter()
        .filter(|o| o.kind == "PrometheusRule")
        .flat_map(|o| o.value["spec"]["groups"].as_array().unwrap().iter())
        .flat_map(|g| g["rules"].as_array().unwrap().iter())
        .map(|r| (r["alert"].as_str().unwrap_or_default().to_owned(), r["expr"].as_str().unwrap().to_owned()))
        .collect()
}

/// Whether a generated scrape target provides `metric`.
fn provided(platform: &Platform, env: Env, objects: &[Object], metric: &str, expr: &str) -> bool {
    let argocd = keiko_manifests::argocd::objects(platform, env).unwrap();
    let values = |chart: &str| {
        let name = platform.addons().iter().find(|(_, a)| a.chart == chart).map(|(n, _)| n.clone()).unwrap_or_default();
        argocd
            .iter()
            .find(|o| o.kind == "Application" && o.name == name)
            .map(|o| o.value["spec"]["source"]["helm"]["valuesObject"].clone())
            .unwrap_or(Value::Null)
    };
    if metric.starts_with("http_server_request_duration_seconds") {
        // The service's SDK serves it on the metrics port, which its ServiceMonitor scrapes.
        // A rule over one service names it; a rule over the namespace needs any service.
        let any_service = !expr.contains("service=\"");
        return platform.services().iter().any(|(name, svc)| {
            (any_service || expr.contains(&format!("service=\"{name}\"")))
                && svc.ports.iter().any(|p| p.name == "metrics" && exports_prometheus(objects, name, p.port).is_ok())
                && svc.ports.iter().any(|p| {
                    p.name == "metrics" && scrape_path(objects, &platform.settings().namespace, name, p.port).is_ok()
                })
        });
    }
    if metric.starts_with("kube_") || metric.starts_with("kubelet_") {
        return platform.addons().values().any(|a| a.chart == "kube-prometheus-stack");
    }
    if metric.starts_with("certmanager_") {
        return values("cert-manager")["prometheus"]["servicemonitor"]["enabled"] == true;
    }
    if metric.starts_with("jaeger_collector_") {
        return values("jaeger")["collector"]["serviceMonitor"]["enabled"] == true;
    }
    if metric.starts_with("argocd_") {
        return values("argo-cd")["controller"]["metrics"]["serviceMonitor"]["enabled"] == true;
    }
    false
}

/// Whether a ServiceMonitor scrapes port `port` of Service `name` in `namespace`: the
/// Service has a port of that number, and a ServiceMonitor of the namespace selects the
/// Service by its labels and names that port.
fn scrape_path(objects: &[Object], namespace: &str, name: &str, port: u32) -> Result<(), String> {
    let service = objects
        .iter()
        .find(|o| o.kind == "Service" && o.namespace == namespace && o.name == name)
        .ok_or(format!("no Service {namespace}/{name}"))?;
    let port_name = service.value["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["port"] == port)
        .and_then(|p| p["name"].as_str())
        .ok_or(format!("Service {namespace}/{name} has no port {port}"))?;
    let labels = &service.value["metadata"]["labels"];
    let scraped = objects.iter().filter(|o| o.kind == "ServiceMonitor" && o.namespace == namespace).any(|m| {
        let selects = m.value["spec"]["selector"]["matchLabels"]
            .as_object()
            .is_some_and(|wanted| wanted.iter().all(|(k, v)| &labels[k] == v));
        let names_port = m.value["spec"]["endpoints"].as_array().into_iter().flatten().any(|e| e["port"] == port_name);
        selects && names_port
    });
    if scraped { Ok(()) } else { Err(format!("no ServiceMonitor scrapes {namespace}/{name} port {port_name}")) }
}

/// Whether the workload `name` tells its OpenTelemetry SDK to serve Prometheus metrics on
/// `port` (the SDK's environment variables, opentelemetry-specification
/// sdk-environment-variables.md: `OTEL_METRICS_EXPORTER`, `OTEL_EXPORTER_PROMETHEUS_HOST/PORT`).
fn exports_prometheus(objects: &[Object], name: &str, port: u32) -> Result<(), String> {
    let workload = objects
        .iter()
        .find(|o| matches!(o.kind.as_str(), "Deployment" | "Rollout") && o.name == name)
        .ok_or(format!("no workload {name}"))?;
    let env = &workload.value["spec"]["template"]["spec"]["containers"][0]["env"];
    let value =
        |key: &str| env.as_array().into_iter().flatten().find(|e| e["name"] == key).and_then(|e| e["value"].as_str());
    let wanted = [
        ("OTEL_METRICS_EXPORTER", "prometheus".to_owned()),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "0.0.0.0".to_owned()),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", port.to_string()),
    ];
    match wanted.iter().find(|(k, v)| value(k) != Some(v.as_str())) {
        None => Ok(()),
        Some((k, v)) => Err(format!("{name} does not set {k}={v}")),
    }
}

#[test]
fn every_metrics_path_is_scraped() {
    // Services serve their own metrics; OTLP metrics reach Prometheus through the
    // gateway's Prometheus exporter, which its ServiceMonitor scrapes.
    let platform = platform();
    for env in Env::ALL {
        let objects = objects(&platform, env);
        for (name, svc) in platform.services() {
            for port in svc.ports.iter().filter(|p| p.name == "metrics") {
                exports_prometheus(&objects, name, port.port).unwrap_or_else(|e| panic!("{env}: {e}"));
                scrape_path(&objects, &platform.settings().namespace, name, port.port)
                    .unwrap_or_else(|e| panic!("{env}: {e}"));
            }
        }
        let gateway = objects.iter().find(|o| o.kind == "ConfigMap" && o.name == "otel-gateway").unwrap();
        let config: Config = serde_saphyr::from_str(gateway.value["data"]["config.yaml"].as_str().unwrap()).unwrap();
        let endpoint =
            config.exporters.prometheus.as_ref().expect("the gateway exports metrics to Prometheus").endpoint.clone();
        let port: u32 = endpoint.rsplit_once(':').unwrap().1.parse().unwrap();
        scrape_path(&objects, &platform.observability().namespace, "otel-gateway", port)
            .unwrap_or_else(|e| panic!("{env}: OTLP metrics are exported on {endpoint} but {e}"));
    }
}

#[test]
fn an_unscraped_metrics_path_is_named() {
    let platform = platform();
    let mut objects = objects(&platform, Env::Dev);
    objects.retain(|o| !(o.kind == "ServiceMonitor" && o.name == "otel-gateway"));
    let error = scrape_path(&objects, &platform.observability().namespace, "otel-gateway", 8889).unwrap_err();
    assert!(error.contains("no ServiceMonitor scrapes keiko-observability/otel-gateway port metrics"), "{error}");
    let error = scrape_path(&objects, &platform.observability().namespace, "otel-gateway", 9999).unwrap_err();
    assert!(error.contains("has no port 9999"), "{error}");
}

#[test]
fn every_rule_is_promql_over_metrics_a_scrape_target_provides() {
    let platform = platform();
    for env in Env::ALL {
        let objects = objects(&platform, env);
        let rules = rule_expressions(&objects);
        assert!(rules.len() > platform.services().len() * 5, "{env}: per-service and platform rules exist");
        for (alert, expr) in rules {
            let parsed = parser::parse(&expr).unwrap_or_else(|e| panic!("{env} {alert}: {e}\n{expr}"));
            let mut names = Vec::new();
            metrics(&parsed, &mut names);
            assert!(!names.is_empty(), "{env} {alert} reads no metric");
            for name in names {
                assert!(
                    provided(&platform, env, &objects, &name, &expr),
                    "{env} {alert}: nothing generated provides `{name}`"
                );
            }
        }
    }
}

#[test]
fn dashboards_use_valid_promql_and_round_trip_through_their_type() {
    let platform = platform();
    let objects = objects(&platform, Env::Production);
    let dashboards: Vec<&Object> =
        objects.iter().filter(|o| o.value.pointer("/metadata/labels/grafana_dashboard").is_some()).collect();
    assert_eq!(dashboards.len(), platform.services().len() + 1);
    for object in dashboards {
        for text in object.value["data"].as_object().unwrap().values() {
            let dashboard: Dashboard = serde_json::from_str(text.as_str().unwrap()).unwrap();
            assert_eq!(&serde_json::to_string_pretty(&dashboard).unwrap(), text.as_str().unwrap());
            for target in dashboard.panels.iter().flat_map(|p| &p.targets) {
                parser::parse(&target.expr).unwrap_or_else(|e| panic!("{}: {e}", target.expr));
            }
        }
    }
}

#[test]
fn collector_configurations_round_trip_through_their_type() {
    let platform = platform();
    for env in Env::ALL {
        for name in ["otel-agent", "otel-gateway"] {
            let objects = objects(&platform, env);
            let map = objects.iter().find(|o| o.kind == "ConfigMap" && o.name == name).unwrap();
            let text = map.value["data"]["config.yaml"].as_str().unwrap();
            let config: Config = serde_saphyr::from_str(text).unwrap();
            assert_eq!(serde_saphyr::to_string(&config).unwrap(), text, "{env} {name}");
            let pipelines = &config.service.pipelines;
            assert_eq!(pipelines.keys().collect::<Vec<_>>(), ["logs", "metrics", "traces"]);
        }
    }
}

#[test]
fn every_database_is_backed_up_at_least_every_six_hours_in_every_environment() {
    let platform = platform();
    for env in Env::ALL {
        let objects = objects(&platform, env);
        for (name, service) in platform.services().iter().filter(|(_, s)| s.database.is_some()) {
            let job = objects
                .iter()
                .find(|o| o.kind == "CronJob" && o.name == format!("backup-{name}"))
                .unwrap_or_else(|| panic!("{env}: no backup of {name}"));
            let schedule = job.value["spec"]["schedule"].as_str().unwrap();
            let gap = cron::parse(schedule).unwrap().max_gap_minutes().unwrap();
            assert!(gap <= 360, "{env} {name}: backups up to {gap} minutes apart");
            let script = job.value.to_string();
            assert!(
                script.contains(&platform.backups().bucket(env)),
                "{env} {name}: writes to the environment's bucket"
            );
            assert!(script.contains(&service.database.as_ref().unwrap().name));
        }
        assert!(objects.iter().any(|o| o.kind == "CronJob" && o.name == "dr-drill"), "{env}: a DR drill is scheduled");
        let velero: Vec<&Object> = objects.iter().filter(|o| o.kind == "Schedule").collect();
        assert!(
            velero.iter().any(|s| s.value["spec"]["template"]["includedNamespaces"][0] == "*"),
            "{env}: cluster resources, argocd included"
        );
    }
}

#[test]
fn every_alert_links_a_runbook_heading_that_exists() {
    let platform = platform();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for env in Env::ALL {
        for object in objects(&platform, env).iter().filter(|o| o.kind == "PrometheusRule") {
            for group in object.value["spec"]["groups"].as_array().unwrap() {
                for rule in group["rules"].as_array().unwrap() {
                    let alert = rule["alert"].as_str().unwrap_or_default();
                    let link = rule["annotations"]["runbook"].as_str().unwrap_or_else(|| panic!("{alert}: no runbook"));
                    let (file, anchor) =
                        link.split_once('#').unwrap_or_else(|| panic!("{alert}: {link} names no heading"));
                    let text =
                        std::fs::read_to_string(root.join(file)).unwrap_or_else(|_| panic!("{alert}: no {file}"));
                    assert!(
                        text.lines().any(|l| l.trim_start_matches('#').trim() == anchor && l.starts_with('#')),
                        "{alert}: {file} has no heading `{anchor}`"
                    );
                }
            }
        }
    }
}
