//! The API server admits every pod we render: each pod template of every environment is
//! judged by the Pod Security admission's own library (tools/psa, built by .ci/psa) at
//! the level and version its namespace enforces (`pod-security.kubernetes.io/enforce`
//! and `-version` on the Namespace we render). A pod it would refuse leaves its
//! workload without pods and its Application Progressing. Pods of mesh namespaces are
//! judged as Istio's sidecar injection leaves them: with the init container and proxy
//! the injection template adds (istio-discovery files/injection-template.yaml at 1.30.3),
//! which depend on the istiod values we render (`cni.enabled`, read by the template as
//! `.Values.pilot.cni.enabled`). Without the judge the test is skipped locally, never in CI.

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

/// The containers Istio's injection template (1.30.3) adds to a pod, with their security
/// contexts (defaults: `global.proxy.privileged` false, no interception mode override):
/// without the CNI node agent, `istio-init` runs as root with NET_ADMIN and NET_RAW to
/// write iptables rules; with it, `istio-validation` runs as 1337 with no capability.
fn injected(cni: bool) -> (Value, Value) {
    let init = if cni {
        json!({"name": "istio-validation", "image": "proxyv2", "securityContext": {
            "allowPrivilegeEscalation": false, "privileged": false, "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": true, "runAsGroup": 1337, "runAsUser": 1337, "runAsNonRoot": true}})
    } else {
        json!({"name": "istio-init", "image": "proxyv2", "securityContext": {
            "allowPrivilegeEscalation": false, "privileged": false,
            "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]},
            "readOnlyRootFilesystem": false, "runAsGroup": 0, "runAsUser": 0, "runAsNonRoot": false}})
    };
    let proxy = json!({"name": "istio-proxy", "image": "proxyv2", "securityContext": {
        "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "privileged": false,
        "readOnlyRootFilesystem": true, "runAsGroup": 1337, "runAsNonRoot": true, "runAsUser": 1337}});
    (init, proxy)
}

/// Whether the istiod values we render in `env` tell injection that the CNI agent runs.
fn cni_enabled(platform: &Platform, env: Env) -> bool {
    let applications = keiko_manifests::argocd::objects(platform, env).unwrap();
    let istiod = platform.addons().iter().find(|(_, a)| a.chart == "istiod").map(|(n, _)| n.clone()).unwrap();
    let application = applications.iter().find(|o| o.kind == "Application" && o.name == istiod).unwrap();
    application.value["spec"]["source"]["helm"]["valuesObject"]["cni"]["enabled"] == true
}

/// Every pod template of `env`, with the level its namespace enforces, as injection
/// leaves the pods of mesh namespaces.
fn pods(platform: &Platform, env: Env) -> Vec<Value> {
    let (init, proxy) = injected(cni_enabled(platform, env));
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
    let meshed: Vec<String> = objects
        .iter()
        .filter(|o| o.kind == "Namespace" && o.value["metadata"]["labels"]["istio-injection"] == "enabled")
        .map(|o| o.name.clone())
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
        let mut spec = spec.clone();
        let opted_out = template["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false";
        if meshed.contains(&object.namespace) && !opted_out {
            let inits = spec["initContainers"].as_array().cloned().unwrap_or_default();
            spec["initContainers"] = Value::Array([vec![init.clone()], inits].concat());
            spec["containers"].as_array_mut().unwrap().push(proxy.clone());
        }
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

#[test]
fn injection_without_the_cni_agent_is_refused() {
    // What the istiod values under the keys the 1.30 chart ignores (`pilot.cni.enabled`)
    // would have done: every injected pod gets the root istio-init container.
    if !available() {
        return common::skipped_without(JUDGE);
    }
    let (init, _) = injected(false);
    let pod = json!({"name": "planted", "level": "restricted", "version": "v1.35", "metadata": {}, "spec": {
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "initContainers": [init],
        "containers": [{"name": "app", "image": "app", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}],
    }});
    let verdicts = judge(&[pod]);
    let reasons = &verdicts["planted"];
    assert!(reasons.iter().any(|r| r.contains("unrestricted capabilities")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("runAsNonRoot")), "{reasons:?}");
}
