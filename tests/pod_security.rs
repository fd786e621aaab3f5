//! The API server admits every pod we render: each pod template of every environment is
//! judged by the Pod Security admission's own library (tools/psa, built by .ci/psa) at
//! the level and version its namespace enforces (`pod-security.kubernetes.io/enforce`
//! and `-version` on the Namespace we render). A pod it would refuse leaves its
//! workload without pods and its Application Progressing. Without the judge the test is
//! skipped locally, never in CI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

const JUDGE: &str = "keiko-psa";

fn available() -> bool {
    Command::new(JUDGE).stdin(Stdio::null()).output().is_ok_and(|o| o.status.success())
}

/// The judge's verdict on each pod: name → the reasons it is refused (empty: admitted).
fn judge(pods: &[Value]) -> BTreeMap<String, Vec<String>> {
    let mut child = Command::new(JUDGE).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for pod in pods {
            writeln!(stdin, "{pod}").unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let verdict: Value = serde_json::from_str(line).unwrap();
            let reasons =
                verdict["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
            (verdict["name"].as_str().unwrap().to_owned(), reasons)
        })
        .collect()
}

/// Every pod template of `env`, with the level its namespace enforces.
fn pods(platform: &Platform, env: Env) -> Vec<Value> {
    let objects: Vec<_> = components(platform, env).unwrap().into_iter().flat_map(|c| c.objects).collect();
    let levels: BTreeMap<String, (String, String)> = objects
        .iter()
        .filter(|o| o.kind == "Namespace")
        .filter_map(|o| {
            let labels = &o.value["metadata"]["labels"];
            let level = labels["pod-security.kubernetes.io/enforce"].as_str()?.to_owned();
            let version = labels["pod-security.kubernetes.io/enforce-version"].as_str().unwrap_or("latest").to_owned();
            Some((o.name.clone(), (level, version)))
        })
        .collect();
    let mut pods = Vec::new();
    for object in &objects {
        let Some(spec) = keiko_policy::k8s_rules::pod_spec_of(&object.kind, &object.value) else { continue };
        let (level, version) = levels.get(&object.namespace).unwrap_or_else(|| {
            panic!("{env}: {} {} is in {}, a namespace we do not render", object.kind, object.name, object.namespace)
        });
        let template = match object.kind.as_str() {
            "CronJob" => &object.value["spec"]["jobTemplate"]["spec"]["template"],
            _ => &object.value["spec"]["template"],
        };
        pods.push(json!({
            "name": format!("{env}: {} {}/{}", object.kind, object.namespace, object.name),
            "level": level,
            "version": version,
            "metadata": template["metadata"],
            "spec": spec,
        }));
    }
    pods
}

#[test]
fn the_pod_security_admission_admits_every_pod_we_render() {
    if !available() {
        return common::skipped_without(JUDGE);
    }
    for platform in [
        Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap()),
        Platform::new(keiko_spec::synthetic::spec(30).unwrap()),
    ] {
        for env in Env::ALL {
            let pods = pods(&platform, env);
            assert!(pods.len() > platform.services().len(), "{env}: every workload's pods are judged");
            let refused: Vec<String> = judge(&pods)
                .into_iter()
                .filter(|(_, reasons)| !reasons.is_empty())
                .map(|(name, reasons)| format!("{name}: {}", reasons.join("; ")))
                .collect();
            assert!(refused.is_empty(), "refused by Pod Security admission:\n{}", refused.join("\n"));
        }
    }
}

#[test]
fn a_pod_the_admission_would_refuse_is_named() {
    if !available() {
        return common::skipped_without(JUDGE);
    }
    let platform = Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap());
    let mut pods = pods(&platform, Env::Dev);
    let pod = pods.iter_mut().find(|p| p["level"] == "restricted").unwrap();
    pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    let name = pod["name"].as_str().unwrap().to_owned();
    let verdicts = judge(&pods);
    assert!(verdicts[&name].iter().any(|r| r.contains("allowPrivilegeEscalation")), "{:?}", verdicts[&name]);
}
