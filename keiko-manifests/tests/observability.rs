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
        return objects.iter().any(|o| o.kind == "ServiceMonitor" && expr.contains(&format!("service=\"{}\"", o.name)));
    }
    if metric.starts_with("kube_") || metric.starts_with("kubelet_") {
        return platform.addons().values().any(|a| a.chart == "kube-prometheus-stack");
    }
    if metric.starts_with("certmanager_") {
        return values("cert-manager")["prometheus"]["servicemonitor"]["enabled"] == true;
    }
    if metric.starts_with("argocd_") {
        return values("argo-cd")["controller"]["metrics"]["serviceMonitor"]["enabled"] == true;
    }
    false
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
