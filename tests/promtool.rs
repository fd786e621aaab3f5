//! Prometheus judges our alerts: `promtool check rules` on every PrometheusRule of every
//! environment (promtool of the Prometheus version kube-prometheus-stack runs, built by
//! .ci/promtool from its Go module), and `promtool test rules` on each service's SLO
//! alerts: a service failing half its requests pages within the fast-burn window, a
//! healthy one stays silent. Without promtool the tests are skipped locally, never in CI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const PROMTOOL: &str = "promtool";

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

fn available() -> bool {
    Command::new(PROMTOOL).arg("--version").output().is_ok_and(|o| o.status.success())
}

fn run(args: &[&str], dir: &Path) -> Result<String, String> {
    let output = Command::new(PROMTOOL).args(args).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if output.status.success() { Ok(text) } else { Err(text) }
}

/// Every PrometheusRule of `env`, by name, as the rule file Prometheus loads from it.
fn rule_files(platform: &Platform, env: Env) -> Vec<(String, Value)> {
    components(platform, env)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .filter(|o| o.kind == "PrometheusRule")
        .map(|o| (o.name.clone(), json!({"groups": o.value["spec"]["groups"]})))
        .collect()
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let file = format!("{name}.yaml");
    std::fs::write(dir.join(&file), serde_saphyr::to_string(value).unwrap()).unwrap();
    file
}

#[test]
fn prometheus_accepts_every_rule_we_render() {
    if !available() {
        return common::skipped_without(PROMTOOL);
    }
    let platform = keiko();
    for env in Env::ALL {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<String> =
            rule_files(&platform, env).iter().map(|(name, rules)| write(dir.path(), name, rules)).collect();
        assert!(files.len() > platform.services().len(), "{env}: a rule file per service and the platform's");
        let mut args = vec!["check", "rules"];
        args.extend(files.iter().map(String::as_str));
        run(&args, dir.path()).unwrap_or_else(|e| panic!("{env}: promtool refuses the rules:\n{e}"));
    }
}

/// The request counter of `service` answering `code`, as its SDK exports it.
fn series(service: &str, code: &str) -> String {
    format!(
        "http_server_request_duration_seconds_count{{namespace=\"keiko\",service=\"{service}\",http_response_status_code=\"{code}\"}}"
    )
}

/// A promtool unit test of `service`'s SLO rules: `errors` and `ok` requests per minute
/// for 80 minutes, and the alerts expected at 70 minutes.
fn slo_test(rules: &str, service: &str, errors: u32, ok: u32, expected: &[(&str, &Value)]) -> Value {
    let alerts: Vec<Value> = expected
        .iter()
        .map(|(alert, rule)| {
            json!({
                "eval_time": "70m",
                "alertname": alert,
                "exp_alerts": [{"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}],
            })
        })
        .collect();
    json!({
        "rule_files": [rules],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [
                {"series": series(service, "500"), "values": format!("0+{errors}x80")},
                {"series": series(service, "200"), "values": format!("0+{ok}x80")},
            ],
            "alert_rule_test": alerts,
        }],
    })
}

#[test]
fn a_burning_service_pages_and_a_healthy_one_stays_silent() {
    if !available() {
        return common::skipped_without(PROMTOOL);
    }
    let platform = keiko();
    let dir = tempfile::tempdir().unwrap();
    for (name, rules) in rule_files(&platform, Env::Production).into_iter().filter(|(n, _)| n.ends_with("-slo")) {
        let service = name.trim_end_matches("-slo");
        let file = write(dir.path(), &name, &rules);
        let fast = format!("{}ErrorBudgetBurn1h", keiko_manifests::observability::slo::pascal(service));
        let rule =
            rules["groups"][0]["rules"].as_array().unwrap().iter().find(|r| r["alert"] == fast.as_str()).unwrap();
        // Half the requests fail: the 1 h / 5 m fast burn pages (critical) after its 2 m hold.
        let burning = slo_test(&file, service, 30, 30, &[(&fast, rule)]);
        let test = write(dir.path(), &format!("{name}-burning-test"), &burning);
        run(&["test", "rules", &test], dir.path())
            .unwrap_or_else(|e| panic!("{service}: the fast burn does not page:\n{e}"));
        // No failures: nothing fires.
        let mut healthy = slo_test(&file, service, 0, 60, &[]);
        healthy["tests"][0]["alert_rule_test"] = json!([{"eval_time": "70m", "alertname": fast, "exp_alerts": []}]);
        let test = write(dir.path(), &format!("{name}-healthy-test"), &healthy);
        run(&["test", "rules", &test], dir.path())
            .unwrap_or_else(|e| panic!("{service}: a healthy service pages:\n{e}"));
    }
}

#[test]
fn a_broken_rule_is_refused() {
    if !available() {
        return common::skipped_without(PROMTOOL);
    }
    let dir = tempfile::tempdir().unwrap();
    let (name, mut rules) = rule_files(&keiko(), Env::Dev).into_iter().next().unwrap();
    rules["groups"][0]["rules"][0]["expr"] = json!("sum(rate(http_server_request_duration_seconds_count[5m])");
    let file = write(dir.path(), &name, &rules);
    assert!(run(&["check", "rules", &file], dir.path()).is_err());
}

#[test]
fn promtool_is_the_prometheus_the_platform_runs() {
    if !available() {
        return common::skipped_without(PROMTOOL);
    }
    let output = Command::new(PROMTOOL).arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let expected = format!("version {}", keiko_model::charts::PROMETHEUS_VERSION);
    assert!(text.contains(&expected), "promtool says `{text}`, the platform runs Prometheus {expected}");
}

#[test]
fn traces_that_stop_arriving_page_only_while_requests_flow() {
    if !available() {
        return common::skipped_without(PROMTOOL);
    }
    let platform = keiko();
    let dir = tempfile::tempdir().unwrap();
    let (name, rules) =
        rule_files(&platform, Env::Production).into_iter().find(|(n, _)| n == "keiko-platform").unwrap();
    let file = write(dir.path(), &name, &rules);
    let rule =
        rules["groups"][0]["rules"].as_array().unwrap().iter().find(|r| r["alert"] == "TracesNotArriving").unwrap();
    let spans = "jaeger_collector_spans_received_total{debug=\"false\",format=\"proto\",svc=\"other-services\",transport=\"grpc\"}";
    let case = |requests: &str, received: Option<&str>, fires: bool| {
        let mut series = vec![json!({"series": series("api-gateway", "200"), "values": requests})];
        if let Some(received) = received {
            series.push(json!({"series": spans, "values": received}));
        }
        let expected = if fires {
            json!([{"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}])
        } else {
            json!([])
        };
        json!({
            "rule_files": [file],
            "evaluation_interval": "1m",
            "tests": [{
                "interval": "1m",
                "input_series": series,
                "alert_rule_test": [{"eval_time": "60m", "alertname": "TracesNotArriving", "exp_alerts": expected}],
            }],
        })
    };
    for (label, test) in [
        ("requests and no spans at all", case("0+60x70", None, true)),
        ("requests, and the span count stopped", case("0+60x70", Some("0+0x70"), true)),
        ("requests and spans", case("0+60x70", Some("0+30x70"), false)),
        ("no requests, no spans", case("0+0x70", None, false)),
    ] {
        let path = write(dir.path(), &format!("traces-{}", label.replace([' ', ','], "-")), &test);
        run(&["test", "rules", &path], dir.path()).unwrap_or_else(|e| panic!("{label}:\n{e}"));
    }
}
