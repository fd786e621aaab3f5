//! Every value we set on an upstream chart is one of the chart's own keys at the version
//! we pin. Helm ignores an unknown key without a word, so a misspelled or renamed key
//! leaves the chart's default in place; this reads the keys from
//! `tests/data/chart-value-keys.json`: each chart's values.yaml and the `.Values` paths
//! its templates read, at its pinned tag (subcharts under their alias). Below a key
//! whose default is an empty map (`podAnnotations: {}`) any key is the user's.
//! The defaults we must override are the chart facts' assumptions (tests/bootstrap.rs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;
use std::collections::BTreeSet;

const KEYS: &str = include_str!("data/chart-value-keys.json");

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// One chart's known keys and free-form maps.
struct ChartKeys {
    keys: BTreeSet<String>,
    open: BTreeSet<String>,
}

fn chart_keys(all: &Value, chart: &str, version: &str) -> ChartKeys {
    let entry = &all[chart];
    assert_eq!(
        entry["version"], version,
        "{chart}: the keys were read at another version; read them again at {version}"
    );
    let set = |k: &str| entry[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    ChartKeys { keys: set("keys"), open: set("open") }
}

/// The dotted paths of every value set in `values` (lists are leaves), dots in keys escaped.
fn leaves(values: &Value, at: &str, out: &mut Vec<String>) {
    match values {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let key = key.replace('.', "\\.");
                let path = if at.is_empty() { key } else { format!("{at}.{key}") };
                out.push(path.clone());
                leaves(value, &path, out);
            }
        }
        _ => {}
    }
}

/// Keys whose value a chart renders whole as a Kubernetes object or label map
/// (`toYaml`): below them are that type's own fields, which the API server checks.
const KUBERNETES_TYPED: [&str; 8] = [
    "nodeSelector",
    "affinity",
    "resources",
    "securityContext",
    "podSecurityContext",
    "containerSecurityContext",
    "podAnnotations",
    "podLabels",
];

/// Free-form maps that have defaults, so the data does not mark them open: the chart
/// renders them whole into a document of another schema.
const FREE_FORM: [(&str, &str, &str); 2] = [
    ("argo-cd", "configs.cm", "the data of argocd-cm (argocd-cm.yaml renders it with toYaml)"),
    ("istiod", "meshConfig", "Istio's MeshConfig, rendered whole into the mesh ConfigMap"),
];

/// The paths of `values` that are not keys of `chart`.
fn unknown(chart: &str, keys: &ChartKeys, values: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    leaves(values, "", &mut paths);
    let free = |path: &str| {
        let typed = path.split('.').rev().skip(1).any(|segment| KUBERNETES_TYPED.contains(&segment));
        let curated = FREE_FORM.iter().any(|(c, at, _)| *c == chart && path.starts_with(&format!("{at}.")));
        let open = keys.open.iter().any(|open| path.starts_with(&format!("{open}.")));
        typed || curated || open
    };
    paths.into_iter().filter(|path| !free(path) && !keys.keys.contains(path)).collect()
}

#[test]
fn every_value_we_set_is_a_key_of_the_chart_at_its_version() {
    let all: Value = serde_json::from_str(KEYS).unwrap();
    for platform in [keiko(), Platform::new(keiko_spec::synthetic::spec(20).unwrap())] {
        for env in Env::ALL {
            let applications = keiko_manifests::argocd::objects(&platform, env).unwrap();
            for (name, addon) in platform.addons() {
                let keys = chart_keys(&all, &addon.chart, &addon.version);
                let application = applications.iter().find(|o| o.kind == "Application" && o.name == *name).unwrap();
                let values = &application.value["spec"]["source"]["helm"]["valuesObject"];
                let unknown = unknown(&addon.chart, &keys, values);
                assert!(
                    unknown.is_empty(),
                    "{env}: addons.{name} sets values that chart {} {} does not have (Helm would ignore them): {unknown:#?}\nsource: {}",
                    addon.chart,
                    addon.version,
                    all[&addon.chart]["source"]
                );
            }
        }
    }
}

#[test]
fn a_misspelled_key_is_named() {
    let all: Value = serde_json::from_str(KEYS).unwrap();
    let keys = chart_keys(&all, "jaeger", "3.4.1");
    let values = serde_json::json!({
        "storage": {"type": "elasticsearch", "elasticsearch": {"existingSecret": "x"}},
        "collector": {"podAnnotations": {"free.form/key": "1"}, "servce": {"otlp": {}}},
    });
    assert_eq!(unknown("jaeger", &keys, &values), ["collector.servce", "collector.servce.otlp"]);
    // The istiod keys of older charts, which 1.30.3 ignores.
    let keys = chart_keys(&all, "istiod", "1.30.3");
    let old = serde_json::json!({"pilot": {"cni": {"enabled": true}, "autoscaleMin": 2}, "cni": {"enabled": true}});
    assert_eq!(unknown("istiod", &keys, &old), ["pilot.cni", "pilot.cni.enabled", "pilot.autoscaleMin"]);
}
